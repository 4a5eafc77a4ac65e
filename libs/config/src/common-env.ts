import { z } from 'zod';

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

export const DatabaseEnv = z.object({
  DATABASE_URL: z.string({ error: 'is required (postgres://user:pass@host:port/db)' }).regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  /** Schema name prefix, so test runs can own a fresh set of schemas. */
  DATABASE_SCHEMA_PREFIX: z.string().regex(/^[a-z0-9_]*$/, 'lowercase letters, digits, _ only').default(''),
});

export type CommonEnv = z.infer<typeof CommonEnv>;
export type KafkaEnv = z.infer<typeof KafkaEnv>;
export type DatabaseEnv = z.infer<typeof DatabaseEnv>;
