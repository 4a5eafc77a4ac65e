import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger, Logger } from '@hookstream/logging';

export interface TestInfra {
  kafkaBrokers: string[];
  /** The database owner's: tests read and drop any schema with it. */
  databaseUrl: string;
  /** Each service's own role, by variable (GATEWAY_DATABASE_URL, …), as infra.sh reports them. */
  serviceDatabaseUrls: ReadonlyMap<string, string>;
}

const SERVICE_DATABASE_URL = /^[A-Z][A-Z_]*_DATABASE_URL$/;

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../../..');

/** What `scripts/infra.sh up` reports besides the addresses: its broker's secured listeners. */
const SECURED_KAFKA_LINES = ['HOOKSTREAM_KAFKA_SASL_SSL_BROKERS', 'HOOKSTREAM_KAFKA_SSL_BROKERS', 'HOOKSTREAM_KAFKA_SECRETS'] as const;

/**
 * The real Kafka and Postgres, resolved as the services resolve them: env
 * first (KAFKA_BROKERS, DATABASE_URL), else the project's infra script.
 */
export function testInfra(): TestInfra {
  if (!process.env.KAFKA_BROKERS || !process.env.DATABASE_URL) takeInfraScriptEnv();
  return {
    kafkaBrokers: (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean),
    databaseUrl: process.env.DATABASE_URL ?? '',
    serviceDatabaseUrls: new Map(
      Object.entries(process.env).flatMap(([name, url]) => (SERVICE_DATABASE_URL.test(name) && url ? [[name, url] as const] : [])),
    ),
  };
}

/** A service's own database URL (e.g. PROJECTION_DATABASE_URL), so a test connects as that service does. */
export function serviceDatabaseUrl(variable: string): string {
  const url = testInfra().serviceDatabaseUrls.get(variable);
  if (!url) throw new Error(`${variable} is not set: scripts/infra.sh up reports it`);
  return url;
}

/** The same database URL, reached through another local port (a TcpGate in front of Postgres). */
export function databaseUrlViaPort(url: string, port: number): string {
  return Object.assign(new URL(url), { hostname: '127.0.0.1', port: String(port) }).toString();
}

/** Runs `scripts/infra.sh up` and takes the KEY=value lines it prints that the env does not set. */
function takeInfraScriptEnv(): void {
  const out = execFileSync('bash', [path.join(WORKSPACE_ROOT, 'scripts/infra.sh'), 'up'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  for (const line of out.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match && !process.env[match[1]]) process.env[match[1]] = match[2];
  }
}

/**
 * The local broker's secured listeners (scripts/infra.sh): SASL_SSL with a
 * user per service plus `admin` (a super user) and `guest` (no grants), and
 * mTLS with the client certificate its CA signed.
 */
export interface SecuredTestKafka {
  saslSslBrokers: string[];
  sslBrokers: string[];
  caFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  passwordFile(user: string): string;
  password(user: string): string;
}

export function securedTestKafka(): SecuredTestKafka {
  if (SECURED_KAFKA_LINES.some((name) => !process.env[name])) takeInfraScriptEnv();
  const missing = SECURED_KAFKA_LINES.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not set: the secured Kafka listeners are those of the broker scripts/infra.sh runs (KAFKA_BROKERS set to another cluster hides them)`);
  }
  const secrets = process.env.HOOKSTREAM_KAFKA_SECRETS ?? '';
  const passwordFile = (user: string) => path.join(secrets, `${user}.password`);
  return {
    saslSslBrokers: (process.env.HOOKSTREAM_KAFKA_SASL_SSL_BROKERS ?? '').split(','),
    sslBrokers: (process.env.HOOKSTREAM_KAFKA_SSL_BROKERS ?? '').split(','),
    caFile: path.join(secrets, 'ca.pem'),
    clientCertFile: path.join(secrets, 'client.pem'),
    clientKeyFile: path.join(secrets, 'client.key'),
    passwordFile,
    password: (user) => readFileSync(passwordFile(user), 'utf8').trim(),
  };
}

/**
 * The listener the platform's services use: `plaintext` (the default), or
 * `sasl_ssl` with HOOKSTREAM_TEST_KAFKA=sasl_ssl: each service as its own
 * SCRAM-SHA-512 user, with ACLs on its platform's prefix only.
 */
export const TEST_KAFKA_ENV = 'HOOKSTREAM_TEST_KAFKA';
export type TestKafkaListener = 'plaintext' | 'sasl_ssl';

export function testKafkaListener(): TestKafkaListener {
  const value = process.env[TEST_KAFKA_ENV] ?? 'plaintext';
  if (value !== 'plaintext' && value !== 'sasl_ssl') throw new Error(`${TEST_KAFKA_ENV} must be plaintext or sasl_ssl, not ${value}`);
  return value;
}

/**
 * `npm test` names each run (HOOKSTREAM_TEST_RUN) and, at its end, removes
 * every topic and group of that run from the broker, which otherwise keeps
 * thousands of partitions from earlier runs and slows down.
 */
export const TEST_RUN_ENV = 'HOOKSTREAM_TEST_RUN';

/** The start of every prefix of this run: `t` and the run's name, if it has one. */
export function testRunPrefix(): string {
  return `t${(process.env[TEST_RUN_ENV] ?? '').replace(/[^a-z0-9]/g, '')}`;
}

/** A prefix no other test run uses: topics, groups and schemas stay apart. */
export function uniquePrefix(label: string): string {
  return `${testRunPrefix()}${Date.now().toString(36)}${randomBytes(3).toString('hex')}_${label.replace(/[^a-z0-9]/gi, '').toLowerCase()}_`;
}

export function testLogger(service = 'test'): Logger {
  return createLogger({ service, level: process.env.TEST_LOG_LEVEL ?? 'silent' });
}
