import { z } from 'zod';
import { LOCAL_INTERNAL_API_KEY, secret } from './secret-settings';

const brokerList = z
  .string({ error: 'is required (comma-separated host:port list)' })
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'must be host:port')).min(1, 'needs at least one broker'));

const boolFlag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1');

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
export const positiveNumber = (fallback: number) => z.coerce.number().positive().default(fallback);
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
export const flag = (fallback: boolean) => boolFlag.default(fallback);

/** Every service reads these. */
export const CommonEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Pretty logs for people; JSON for machines (the default). */
  LOG_PRETTY: flag(false),
  /** Port of /health, /metrics (and the gateway's /docs, /admin); unset: PORT + 1000. */
  OPS_PORT: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().min(0).max(65535).optional()),
});

export const KafkaEnv = z.object({
  KAFKA_BROKERS: brokerList,
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  /** Isolates test runs and side-by-side deployments on one cluster. */
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, . _ - only').default(''),
  /** Tries of a failing message before it is dead-lettered (outages are retried, never dead-lettered). */
  CONSUMER_MAX_HANDLING_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  /** Failures at one offset after which readiness turns red, naming the partition. */
  CONSUMER_STUCK_AFTER_ATTEMPTS: z.coerce.number().int().min(1).max(10_000).default(10),
});

/** A service's own connection (GATEWAY_DATABASE_URL, …): each service connects as its own role. */
export const databaseUrl = z.string({ error: "is required (postgres://role:pass@host:port/db, with the service's own role)" }).regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

export const DatabaseEnv = z.object({
  /** Schema name prefix, so test runs can own a fresh set of schemas. */
  DATABASE_SCHEMA_PREFIX: z.string().regex(/^[a-z0-9_]*$/, 'lowercase letters, digits, _ only').default(''),
});

/** Services that answer or make internal calls (service credentials). */
export const InternalApiEnv = z.object({
  /** Signs and checks every internal call; the same on every service. */
  INTERNAL_API_KEY: secret(z.string().min(32, 'must have at least 32 characters').default(LOCAL_INTERNAL_API_KEY)),
  /** Comma-separated keys also accepted (never signed with), while INTERNAL_API_KEY rotates. */
  INTERNAL_API_ACCEPTED_KEYS: secret(
    z
      .string()
      .default('')
      .transform((s) => s.split(',').map((k) => k.trim()).filter(Boolean))
      .pipe(z.array(z.string().min(32, 'each key must have at least 32 characters'))),
  ),
});

export type CommonEnv = z.infer<typeof CommonEnv>;
export type KafkaEnv = z.infer<typeof KafkaEnv>;
export type DatabaseEnv = z.infer<typeof DatabaseEnv>;
export type InternalApiEnv = z.infer<typeof InternalApiEnv>;
