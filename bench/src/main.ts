// npm run bench [-- --quick] [--only=1,2,…,10] [--profile=<service>,…|all]
//
// One run of every benchmark scenario against the real platform: the six
// services in production mode, a receiver in its own process, Kafka and
// Postgres as the README sets them up. Writes bench/results/<timestamp>.json,
// latest.md and latest.svg, and exits 1 when a scenario lost deliveries or
// failed (missing a target is information, not a failure). --profile runs
// the services named (or all six) with --cpu-prof and summarizes where their
// CPU went in latest.md and profiles.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rejectedMessagesTopic, Topics } from '@hookstream/contracts';
import { createLogger } from '@hookstream/logging';
import { KafkaConnection } from '@hookstream/messaging';
import { SERVICE_NAMES, ServiceName, testInfra } from '@hookstream/testing';
import { BenchContext, FULL, QUICK } from './bench-context';
import { BenchPlatform } from './bench-platform';
import { summarizeProfile } from './cpu-profile';
import { PlatformNotFunctional } from './workflow-setup';
import { EventProducer } from './event-producer';
import { ProcessSampler } from './process-sampler';
import { rebalancesOverRun } from './rebalances';
import { ReceiverClient } from './receiver-client';
import { cpuMsPerThousandDeliveries, formatFigure, writeReport } from './report';
import type { BenchReport, ServiceProfile } from './results';
import { judged, TARGETS } from './targets';
import { bareLimit, endToEnd, fanOut, httpIngest, Infra, isolation, latency, matcherScaling, noisyTenant, projectionLag } from './scenarios';

interface Options {
  quick: boolean;
  only: Set<string> | undefined;
  /** The services to run with --cpu-prof (none: no profiling). */
  profile: ServiceName[];
  budgetSeconds: number;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = argv.includes('--quick');
  const unknown = argv.filter((a) => !/^--(quick|only=.+|profile=.+|budget=\d+)$/.test(a));
  if (unknown.length > 0) throw new Error(`unknown arguments: ${unknown.join(' ')} (use --quick, --only=1,2,…, --profile=<service>,…|all, --budget=<seconds>)`);
  return {
    quick,
    only: value('only') ? new Set(value('only')?.split(',')) : undefined,
    profile: profiledServices(value('profile')),
    // The whole run, setup included, must end within 10 minutes (1 in quick mode).
    budgetSeconds: Number(value('budget') ?? (quick ? 120 : 540)),
  };
}

/** `--profile=`'s value: a comma list of services, or `all`. */
function profiledServices(list: string | undefined): ServiceName[] {
  if (list === undefined) return [];
  if (list === 'all') return [...SERVICE_NAMES];
  const names = [...new Set(list.split(','))];
  const unknown = names.filter((n) => !(SERVICE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0 || names.length === 0) throw new Error(`--profile: all, or a comma list of ${SERVICE_NAMES.join(', ')} (not ${unknown.join(', ')})`);
  return names as ServiceName[];
}

function runId(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

function gitCommit(root: string): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim() ? ' (with uncommitted changes)' : '';
    return `${sha}${dirty}`;
  } catch {
    return 'unknown';
  }
}

/** The pid listening on a local port (the broker's, Postgres'), to charge that server its CPU too. */
function listenerPid(hostPort: string): number | undefined {
  const [host, port] = hostPort.split(':');
  if (!['127.0.0.1', 'localhost'].includes(host)) return undefined;
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
    return Number.isFinite(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const root = path.resolve(__dirname, '../..');
  const id = runId();
  const runDir = path.join(root, 'tmp/bench', id);
  mkdirSync(runDir, { recursive: true });
  const infraEnv = testInfra();
  const infra: Infra = { root, runDir, kafkaBrokers: infraEnv.kafkaBrokers.join(','), databaseUrl: infraEnv.databaseUrl };
  const sizes = options.quick ? QUICK : FULL;
  const wanted = (scenario: string) => !options.only || options.only.has(scenario);
  const started = new Date();
  const loadAtStart = os.loadavg()[0];

  const sampler = new ProcessSampler();
  const receiver = await new ReceiverClient(root, runDir).start();
  sampler.track('receiver', () => receiver.child.pid);
  sampler.track('bench (producer)', () => process.pid);
  const broker = listenerPid(infra.kafkaBrokers.split(',')[0]);
  if (broker) sampler.track('kafka broker (shared)', () => broker, { external: true });
  const database = new URL(infra.databaseUrl);
  const postmaster = listenerPid(`${database.hostname}:${database.port || '5432'}`);
  // Its backends are its children: one process per connection.
  if (postmaster) sampler.track('postgres (shared)', () => postmaster, { external: true, withChildren: true });
  sampler.start();
  const ctx = new BenchContext(id, sizes, receiver, sampler, options.budgetSeconds * 1000);
  // Interrupted: keep what finished, in the run's JSON only (latest.md stays the last complete run).
  onInterrupt = () => {
    const file = path.join(root, 'bench/results', `${id}.json`);
    writeFileSync(file, `${JSON.stringify({ runId: id, interrupted: true, scenarios: ctx.results, resources: sampler.snapshot() }, null, 2)}\n`);
    process.stdout.write(`\ninterrupted: what finished is in ${path.relative(root, file)}\n`);
  };
  ctx.log('', `run ${id}, ${options.quick ? 'quick' : 'full'} mode, logs in ${path.relative(root, runDir)}/`);

  let platform: BenchPlatform | undefined;
  let rebalancesAtStart: Map<string, number> | undefined;
  try {
    if (wanted('1')) await bareLimit(ctx, infra);
    if (['2', '3', '4', '5', '6', '7', '8', '9', '10'].some(wanted)) {
      platform = new BenchPlatform({ root, runDir, kafkaBrokers: infra.kafkaBrokers, profile: options.profile });
      for (const name of SERVICE_NAMES) sampler.track(name, () => platform?.pid(name));
      ctx.log('', `starting the six services (production build, prefix ${platform.prefix})`);
      const t = Date.now();
      try {
        await platform.start();
        ctx.platform = platform;
        ctx.kafka = new KafkaConnection({ brokers: infraEnv.kafkaBrokers, clientId: 'bench', topicPrefix: platform.prefix, logger: createLogger({ service: 'bench', level: 'warn' }), deadLetter: rejectedMessagesTopic('bench') });
        await ctx.kafka.connect();
        await ctx.kafka.ensureTopics([Topics.producerEvents, Topics.workflowConfig]);
        ctx.producer = new EventProducer(ctx.kafka, id);
        ctx.log('', `services ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
        rebalancesAtStart = await platform.rebalances();
      } catch (err) {
        ctx.platformDown = `services did not start: ${(err as Error).message.split('\n')[0]}`;
        ctx.log('', ctx.platformDown);
      }
    }
    if (wanted('2')) await endToEnd(ctx);
    if (wanted('5')) await matcherScaling(ctx);
    if (wanted('3')) await latency(ctx, infra);
    if (wanted('7')) await projectionLag(ctx);
    if (wanted('4')) await fanOut(ctx);
    if (wanted('6')) await isolation(ctx);
    if (wanted('9')) await noisyTenant(ctx);
    if (wanted('10')) await httpIngest(ctx);
  } finally {
    sampler.stop();
    await ctx.kafka?.disconnect();
  }
  const resources = sampler.snapshot();
  if (wanted('8')) {
    await ctx.scenario('8', 'Peak RSS and CPU seconds of each service', { needsPlatform: false, minimumMs: 0 }, async (r) => {
      if (!platform || !SERVICE_NAMES.some((name) => resources[name])) throw new PlatformNotFunctional(ctx.platformDown ?? 'services not started');
      for (const name of SERVICE_NAMES) {
        const usage = resources[name];
        if (!usage) continue;
        ctx.figure(r, { label: `${name}: peak RSS`, value: usage.peakRssMb, unit: 'MB', ...judged(TARGETS.peakRss, usage.peakRssMb) });
        ctx.figure(r, { label: `${name}: CPU seconds`, value: usage.cpuSeconds, unit: 's' });
      }
    });
  }
  const timeline = await receiver.timeline(1000);
  const rebalances = platform && rebalancesAtStart ? rebalancesOverRun(rebalancesAtStart, await platform.rebalances()) : undefined;
  ctx.log('', 'stopping');
  await platform?.stop();
  await receiver.stop();
  if (platform) ctx.prefixes.push(platform.prefix);
  await removeRunTopics(ctx, infraEnv.kafkaBrokers);

  const report: BenchReport = {
    runId: id,
    mode: options.quick ? 'quick' : 'full',
    startedAt: started.toISOString(),
    durationSeconds: (Date.now() - started.getTime()) / 1000,
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      commit: gitCommit(root),
      kafkaBrokers: infra.kafkaBrokers,
      loadAverage: [loadAtStart, os.loadavg()[0]],
    },
    topicPrefix: platform?.prefix ?? '',
    scenarios: ctx.results.sort((a, b) => Number(a.id) - Number(b.id)),
    resources,
    timeline,
    phases: ctx.phases,
    rebalances,
  };
  if (platform && options.profile.length > 0) report.profiles = collectProfiles(ctx, root, platform, options.profile);
  const files = writeReport(path.join(root, 'bench/results'), report);
  process.stdout.write('\n');
  for (const s of report.scenarios) {
    process.stdout.write(`${s.id}. ${s.title}: ${s.status}${s.reason ? ` (${s.reason})` : ''}\n`);
    for (const f of s.figures) process.stdout.write(`     ${f.label}: ${formatFigure(f)}${f.target ? `  [target ${f.target}: ${f.meets === undefined ? 'n/a' : f.meets ? 'met' : 'missed'}]` : ''}\n`);
  }
  if (rebalances) process.stdout.write(`\nconsumer group rebalances during the run: ${rebalances.map((r) => `${r.group} ${r.duringRun}`).join(', ') || 'no groups seen'}\n`);
  const written = [files.json, files.md, files.svg, ...(files.profiles ? [files.profiles] : [])];
  process.stdout.write(`\nwrote ${written.map((f) => path.relative(root, f)).join(', ')}\n`);
  return report.scenarios.some((s) => s.status === 'failed') ? 1 : 0;
}

/** Each profiled service's .cpuprofile (written when it stopped), summarized. */
function collectProfiles(ctx: BenchContext, root: string, platform: BenchPlatform, services: ServiceName[]): ServiceProfile[] {
  const profiles: ServiceProfile[] = [];
  for (const service of services) {
    const dir = platform.profileDir(service);
    const file = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.cpuprofile')) : undefined;
    if (!file) {
      ctx.log('', `no profile was written for ${service}`);
      continue;
    }
    const perK = cpuMsPerThousandDeliveries(ctx.results, service);
    profiles.push({ service, file: path.relative(root, path.join(dir, file)), ...(perK === undefined ? {} : { cpuMsPerThousandDeliveries: perK }), ...summarizeProfile(path.join(dir, file)) });
    ctx.log('', `profile of ${service}: ${path.relative(root, path.join(dir, file))}`);
  }
  return profiles;
}

/** A run's topics and groups would otherwise pile up on the shared broker (thousands of partitions after a few dozen runs). */
async function removeRunTopics(ctx: BenchContext, brokers: string[]): Promise<void> {
  for (const prefix of ctx.prefixes) {
    const kafka = new KafkaConnection({ brokers, clientId: 'bench-cleanup', topicPrefix: prefix, logger: createLogger({ service: 'bench', level: 'warn' }) });
    try {
      await kafka.connect();
      const removed = await kafka.deleteEverythingPrefixed();
      ctx.log('', `removed ${removed.topics} topics and ${removed.groups} consumer groups of ${prefix}`);
    } catch (err) {
      ctx.log('', `could not remove the topics of ${prefix}: ${(err as Error).message}`);
    } finally {
      await kafka.disconnect().catch(() => undefined);
    }
  }
}

// Ctrl-C: exit, which stops every process the bench started (see child-process.ts).
let onInterrupt: (() => void) | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    onInterrupt?.();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
