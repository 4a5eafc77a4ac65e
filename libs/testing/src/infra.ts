import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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

export const WORKSPACE_ROOT = path.resolve(__dirname, '../../..');

/**
 * The real Kafka and Postgres, resolved as the services resolve them: env
 * first (KAFKA_BROKERS, DATABASE_URL), else the project's infra script.
 */
export function testInfra(): TestInfra {
  if (!process.env.KAFKA_BROKERS || !process.env.DATABASE_URL) {
    const out = execFileSync('bash', [path.join(WORKSPACE_ROOT, 'scripts/infra.sh'), 'up'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (const line of out.split('\n')) {
      const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (match && !process.env[match[1]]) process.env[match[1]] = match[2];
    }
  }
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
