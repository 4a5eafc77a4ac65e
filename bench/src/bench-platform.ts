import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { InternalHeaders, MatcherApi, WorkflowIndexAnswer } from '@hookstream/contracts';
import { ServiceCredentials } from '@hookstream/service-runtime';
import { freePort, SERVICE_NAMES, ServiceName, testInfra, uniquePrefix } from '@hookstream/testing';
import { BenchChild } from './child-process';
import { sleep } from './stats';
import { parseRebalances } from './rebalances';

export const BENCH_TENANT = 'ten_bench';

/** Counters worth a look after each scenario, and the service that keeps each. */
const PIPELINE_COUNTERS: [ServiceName, string][] = [
  ['event-ingest', 'ingest_events_total'],
  ['matcher', 'matcher_jobs_total'],
  ['delivery', 'delivery_attempts_total'],
  ['delivery', 'delivery_deferrals_total'],
  ['delivery', 'delivery_handoffs_total'],
  ['delivery', 'delivery_breaker_transitions_total'],
  ['projection', 'projection_messages_total'],
];
export const BENCH_API_KEY = 'sk_bench_bootstrap_key_000000000000';

export interface PlatformOptions {
  root: string;
  runDir: string;
  kafkaBrokers: string;
  /** Services to run with --cpu-prof; each one's profile lands in runDir/profiles/<service>. */
  profile?: readonly ServiceName[];
}

/**
 * The six services as production runs them (`node dist/apps/<name>/src/main.js`,
 * NODE_ENV=production, LOG_LEVEL=warn), each its own process on a free port,
 * with a topic, consumer-group and schema prefix no one else uses.
 */
export class BenchPlatform {
  readonly prefix = uniquePrefix('bench');
  readonly services = new Map<ServiceName, BenchChild>();
  /** Production refuses published keys: each run makes its own. */
  private readonly internalKey = randomBytes(24).toString('hex');
  private readonly adminKey = `adm_${randomBytes(24).toString('hex')}`;
  private readonly ports = new Map<ServiceName, number>();
  private readonly opsPorts = new Map<ServiceName, number>();
  private readonly encryptionKeys = `bench:${randomBytes(32).toString('base64')}`;

  constructor(private readonly options: PlatformOptions) {}

  get schemaPrefix(): string {
    return this.prefix.toLowerCase();
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports.get(service)}`;
  }

  /** Where a service answers /health and /metrics. */
  opsUrl(service: ServiceName): string {
    return `http://127.0.0.1:${this.opsPorts.get(service)}`;
  }

  /** Where a profiled service writes its .cpuprofile when it stops. */
  profileDir(service: ServiceName): string {
    return path.join(this.options.runDir, 'profiles', service);
  }

  pid(service: ServiceName): number | undefined {
    return this.services.get(service)?.pid;
  }

  env(): Record<string, string> {
    return {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: this.options.kafkaBrokers,
      ...Object.fromEntries(testInfra().serviceDatabaseUrls),
      KAFKA_TOPIC_PREFIX: this.prefix,
      DATABASE_SCHEMA_PREFIX: this.schemaPrefix,
      // Production refuses the development key ring: a key of this run's own.
      HOOKSTREAM_ENCRYPTION_KEYS: this.encryptionKeys,
      // Consumer groups get the topic prefix too: a run shares nothing with another.
      BOOTSTRAP_TENANT_ID: BENCH_TENANT,
      BOOTSTRAP_API_KEY: BENCH_API_KEY,
      INTERNAL_API_KEY: this.internalKey,
      // Scenarios with tenants of their own make them through the admin API.
      ADMIN_API_KEY: this.adminKey,
      WORKFLOW_CONFIG_URL: this.url('workflow-config'),
      EVENT_INGEST_URL: this.url('event-ingest'),
      PROJECTION_URL: this.url('projection'),
      PUBLIC_BASE_URL: this.url('gateway'),
      // The receiver is on loopback, which the SSRF guard refuses unless allowed.
      DELIVERY_ALLOWED_HOSTS: '127.0.0.1',
      // Filler workflows go straight to the config topic, so it is no copy of the database: nothing compares the two.
      CONFIG_TOPIC_CHECK_MS: '0',
      MATCHER_INDEX_CHECK_MS: '0',
      // Scenario 10 measures HTTP ingest's capacity, not the per-tenant limit (1,000/s by default) in front of it.
      INGEST_RATE_LIMIT_PER_SECOND: '1000000',
      INGEST_RATE_LIMIT_BURST: '1000000',
    };
  }

  async start(timeoutMs = 120_000): Promise<void> {
    const { root, runDir, profile = [] } = this.options;
    for (const name of SERVICE_NAMES) {
      const main = path.join(root, 'dist/apps', name, 'src/main.js');
      if (!existsSync(main)) throw new Error(`${main} is missing: build first (bash scripts/bench.sh does)`);
      this.ports.set(name, await freePort());
      this.opsPorts.set(name, await freePort());
    }
    for (const name of profile) mkdirSync(this.profileDir(name), { recursive: true });
    for (const name of SERVICE_NAMES) {
      const profiling = profile.includes(name)
        ? ['--cpu-prof', `--cpu-prof-dir=${this.profileDir(name)}`, '-r', path.join(root, 'bench/src/profile-exit.js')]
        : [];
      const child = new BenchChild({
        name,
        args: [...profiling, path.join(root, 'dist/apps', name, 'src/main.js')],
        env: { ...this.env(), PORT: String(this.ports.get(name)), OPS_PORT: String(this.opsPorts.get(name)) },
        cwd: root,
        logFile: path.join(runDir, `${name}.log`),
      });
      this.services.set(name, child.start());
    }
    await Promise.all(SERVICE_NAMES.map((name) => this.whenReady(name, timeoutMs)));
  }

  private async whenReady(name: ServiceName, timeoutMs: number): Promise<void> {
    const child = this.services.get(name);
    if (!child) throw new Error(`${name} was not started`);
    const deadline = Date.now() + timeoutMs;
    const exited = child.exited();
    exited.catch(() => undefined);
    const poll = async () => {
      for (;;) {
        try {
          if ((await fetch(`${this.opsUrl(name)}/health/ready`)).status === 200) return;
        } catch {
          /* not listening yet */
        }
        if (Date.now() > deadline) throw new Error(`${name} not ready within ${timeoutMs} ms:\n${child.recentOutput.slice(-2000)}`);
        await sleep(250);
      }
    };
    await Promise.race([poll(), exited]);
  }

  /** What each service logged at error level since a time, for the report of a failed scenario. */
  errorsSince(at: number): string[] {
    return [...this.services].flatMap(([name, child]) => {
      const errors = child.errorsSince(at);
      return errors.length ? [`${name}: ${errors.slice(0, 2).join('; ')}`] : [];
    });
  }

  /** The pipeline's own counters, to tell what each scenario made it do (retries, deferrals, hand-offs). */
  async counters(): Promise<Record<string, number>> {
    const values = await Promise.all(
      PIPELINE_COUNTERS.map(async ([service, name]) => {
        try {
          return [[name, await this.metric(service, name)] as const];
        } catch {
          return []; // a service that does not answer has no counters
        }
      }),
    );
    return Object.fromEntries(values.flat());
  }

  /** Partition assignments so far per consumer group, over every service that answers. */
  async rebalances(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const name of SERVICE_NAMES) {
      try {
        const text = await (await fetch(`${this.opsUrl(name)}/metrics`)).text();
        for (const [group, n] of parseRebalances(text, this.prefix)) counts.set(group, (counts.get(group) ?? 0) + n);
      } catch {
        /* a service that does not answer counts nothing */
      }
    }
    return counts;
  }

  /** The sum of a Prometheus metric's samples (all label sets), 0 when absent. */
  async metric(service: ServiceName, name: string): Promise<number> {
    const text = await (await fetch(`${this.opsUrl(service)}/metrics`)).text();
    let total = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name)) continue;
      const rest = line.slice(name.length);
      if (rest[0] !== ' ' && rest[0] !== '{') continue;
      total += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
    }
    return total;
  }

  /** How many workflows the matcher's index holds, where the matcher tells (GET /internal/workflow-index). */
  async indexedWorkflows(): Promise<number | undefined> {
    try {
      const path = MatcherApi.workflowIndex.path();
      const credential = new ServiceCredentials(this.internalKey, 'bench').sign({ method: 'GET', path });
      const res = await fetch(`${this.url('matcher')}${path}`, { headers: { [InternalHeaders.credential]: credential } });
      if (!res.ok) return undefined;
      const answer = WorkflowIndexAnswer.safeParse(await res.json());
      return answer.success ? answer.data.workflows : undefined;
    } catch {
      return undefined;
    }
  }

  /** A request to the gateway's public API, with the bench tenant's key unless told another. */
  async api(method: string, route: string, body?: unknown, apiKey = BENCH_API_KEY): Promise<{ status: number; body: unknown }> {
    return call(`${this.url('gateway')}${route}`, method, body, apiKey);
  }

  /** A new tenant and its first key, through the admin API on the gateway's ops port, as an operator makes one. */
  async createTenant(name: string): Promise<{ id: string; apiKey: string }> {
    const res = await call(`${this.opsUrl('gateway')}/admin/tenants`, 'POST', { name }, this.adminKey);
    const { id, api_key: apiKey } = (res.body ?? {}) as { id?: unknown; api_key?: unknown };
    if (res.status !== 201 || typeof id !== 'string' || typeof apiKey !== 'string') {
      throw new Error(`POST /admin/tenants answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    return { id, apiKey };
  }

  async stop(): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.stop()));
  }
}

async function call(url: string, method: string, body: unknown, bearer: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* keep the text */
  }
  return { status: res.status, body: parsed };
}
