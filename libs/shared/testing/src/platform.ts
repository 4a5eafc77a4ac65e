import { randomBytes } from 'node:crypto';
import { InternalHeaders, rejectedMessagesTopic, type TopicSpec } from '@hookstream/contracts';
import { KafkaEnv, loadConfig } from '@hookstream/config';
import { grantDeployment, KafkaConnection, topicCreationFromEnv } from '@hookstream/messaging';
import { ServiceCredentials } from '@hookstream/service-runtime';
import { freePort, ServiceProcess } from './service-process';
import { securedTestKafka, testInfra, testKafkaListener, testLogger, uniquePrefix } from './infra';

export const SERVICE_NAMES = ['gateway', 'workflow-config', 'event-ingest', 'matcher', 'delivery', 'projection'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface PlatformOptions {
  /** Which services to run; all six by default. */
  services?: readonly ServiceName[];
  /** Extra env for every service (e.g. RETRY_TIME_SCALE). */
  env?: Record<string, string>;
  label?: string;
  /** How many processes of a service to run (each on its own ports, in the same consumer groups); one by default. */
  replicas?: Partial<Record<ServiceName, number>>;
}

/**
 * The running platform for an e2e test: each service in its own process, on
 * free ports, with a topic and schema prefix no other test uses, and a
 * bootstrap tenant with a known API key.
 */
/** A gateway answer, its body parsed when it is JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert response bodies field by field
export type ApiAnswer = { status: number; body: any; headers: Headers };

export class TestPlatform {
  readonly prefix: string;
  readonly apiKey = 'sk_test_e2e_bootstrap_key_0000000000';
  readonly tenantId = 'ten_e2e';
  readonly adminKey = 'adm_test_e2e_admin_key_000000000000';
  /** INTERNAL_API_KEY of this platform's services: its own, so a test proves the key comes from the environment. */
  readonly internalKey = randomBytes(24).toString('hex');
  /** The first process of each service. */
  readonly services = new Map<ServiceName, ServiceProcess>();
  /** Every process of each service, the first included. */
  private readonly processes = new Map<ServiceName, ServiceProcess[]>();
  private ports = new Map<ServiceName, number>();
  private opsPorts = new Map<ServiceName, number>();

  constructor(private readonly options: PlatformOptions = {}) {
    this.prefix = uniquePrefix(options.label ?? 'e2e');
  }

  url(service: ServiceName): string {
    return `http://127.0.0.1:${this.ports.get(service)}`;
  }

  /** Where a service answers /health and /metrics (and the gateway /docs and /admin). */
  opsUrl(service: ServiceName): string {
    return `http://127.0.0.1:${this.opsPorts.get(service)}`;
  }

  /**
   * The environment of a service of this platform; without a name, of a
   * tool beside it, which reaches Kafka as the tests do (plaintext).
   */
  env(service?: ServiceName): Record<string, string> {
    const infra = testInfra();
    return {
      KAFKA_BROKERS: infra.kafkaBrokers.join(','),
      ...Object.fromEntries(infra.serviceDatabaseUrls),
      ...(service !== undefined ? this.kafkaEnv(service) : {}),
      KAFKA_TOPIC_PREFIX: this.prefix,
      DATABASE_SCHEMA_PREFIX: this.prefix.toLowerCase(),
      BOOTSTRAP_TENANT_ID: this.tenantId,
      BOOTSTRAP_API_KEY: this.apiKey,
      ADMIN_API_KEY: this.adminKey,
      INTERNAL_API_KEY: this.internalKey,
      WORKFLOW_CONFIG_URL: this.url('workflow-config'),
      EVENT_INGEST_URL: this.url('event-ingest'),
      PROJECTION_URL: this.url('projection'),
      PUBLIC_BASE_URL: this.url('gateway'),
      DELIVERY_ALLOWED_HOSTS: '127.0.0.1,localhost,::1',
      ...this.options.env,
    };
  }

  /**
   * Over SASL_SSL (HOOKSTREAM_TEST_KAFKA=sasl_ssl) a service is its own
   * SCRAM-SHA-512 user, with its password in a file and the local CA; else
   * the plaintext listener, as before. A test that gives the platform a
   * broker of its own (KAFKA_BROKERS) reaches it as it says.
   */
  private kafkaEnv(service: ServiceName): Record<string, string> {
    if (!this.overSaslSsl()) return {};
    const kafka = securedTestKafka();
    return {
      KAFKA_BROKERS: kafka.saslSslBrokers.join(','),
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: kafka.caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: service,
      KAFKA_SASL_PASSWORD_FILE: kafka.passwordFile(service),
    };
  }

  private overSaslSsl(): boolean {
    return testKafkaListener() === 'sasl_ssl' && this.options.env?.KAFKA_BROKERS === undefined;
  }

  async start(): Promise<this> {
    const names = this.options.services ?? SERVICE_NAMES;
    for (const name of SERVICE_NAMES) {
      this.ports.set(name, await freePort());
      this.opsPorts.set(name, await freePort());
    }
    // As an operator would: each service's user may use this deployment's topics and groups, nothing else.
    if (this.overSaslSsl()) await grantDeployment({ brokers: testInfra().kafkaBrokers, clientId: 'test-acl-grant' }, names, this.prefix);
    const starting: ServiceProcess[] = [];
    for (const name of names) {
      const count = this.options.replicas?.[name] ?? 1;
      const processes: ServiceProcess[] = [];
      for (let replica = 0; replica < count; replica++) {
        // The first answers on the service's known ports; the others on ports of their own.
        const port = replica === 0 ? (this.ports.get(name) ?? 0) : await freePort();
        const opsPort = replica === 0 ? this.opsPorts.get(name) : undefined;
        processes.push(new ServiceProcess({ name, port, opsPort, env: this.env(name) }));
      }
      this.services.set(name, processes[0]);
      this.processes.set(name, processes);
      starting.push(...processes);
    }
    await Promise.all(starting.map((service) => service.start()));
    return this;
  }

  /** Every process of a service (PlatformOptions.replicas), the first being service(name). */
  replicas(name: ServiceName): ServiceProcess[] {
    const processes = this.processes.get(name);
    if (!processes) throw new Error(`${name} is not part of this platform`);
    return processes;
  }

  service(name: ServiceName): ServiceProcess {
    const service = this.services.get(name);
    if (!service) throw new Error(`${name} is not part of this platform`);
    return service;
  }

  /**
   * A connected Kafka connection on this platform's prefix, with `topics`
   * created as its services would create them (its brokers, replicas and
   * partitions): for a test to publish and inspect.
   */
  async kafka(clientId: string, topics: readonly TopicSpec[]): Promise<KafkaConnection> {
    const env = loadConfig(KafkaEnv, this.env());
    const kafka = new KafkaConnection({
      brokers: env.KAFKA_BROKERS,
      clientId,
      topicPrefix: this.prefix,
      topicCreation: topicCreationFromEnv(env),
      logger: testLogger(),
      deadLetter: rejectedMessagesTopic('test'),
    });
    await kafka.connect();
    await kafka.ensureTopics(topics);
    return kafka;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].flat().map((s) => s.stop()));
  }

  /** Service credentials of this platform, signing as `service` (the gateway by default), on `now` (for a token from another time). */
  credentials(service = 'gateway', now?: () => number): ServiceCredentials {
    return new ServiceCredentials(this.internalKey, service, now);
  }

  /** fetch against a service's internal route, with a credential signed for `tenantId` (or the one given as `credential`). */
  async internal(
    service: ServiceName,
    method: string,
    path: string,
    options: { tenantId?: string; body?: unknown; headers?: Record<string, string>; credential?: string } = {},
  ): Promise<Response> {
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const credential = options.credential ?? this.credentials().sign({ method, path, tenantId: options.tenantId, body });
    return fetch(`${this.url(service)}${path}`, {
      method,
      headers: {
        [InternalHeaders.credential]: credential,
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      body,
    });
  }

  /** fetch against the gateway with the bootstrap tenant's key. */
  async api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    return this.call(`${this.url('gateway')}${path}`, method, body, { authorization: `Bearer ${this.apiKey}`, ...headers });
  }

  /** fetch against the gateway's ops port (the admin API) with the admin key. */
  async admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    return this.call(`${this.opsUrl('gateway')}${path}`, method, body, { authorization: `Bearer ${this.adminKey}`, ...headers });
  }

  private async call(url: string, method: string, body: unknown, headers: Record<string, string>): Promise<ApiAnswer> {
    const res = await fetch(url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }
}
