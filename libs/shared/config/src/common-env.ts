import { accessSync, constants } from 'node:fs';
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

/** An empty variable counts as unset (Kubernetes and compose write `VAR=` for unset). */
export const unsetIfEmpty = (v: unknown) => (v === '' ? undefined : v);

/**
 * When a service migrates its Postgres schema: `boot` at every start, under
 * an advisory lock per schema (replicas wait for one another); `skip` never
 * (a release's Job or init container did); `only` migrates and exits 0
 * without starting (that Job). A service without a database has nothing to
 * migrate: it ignores `boot` and `skip`, and exits 0 at once with `only`.
 */
export const DATABASE_MIGRATION_MODES = ['boot', 'skip', 'only'] as const;
export type DatabaseMigrations = (typeof DATABASE_MIGRATION_MODES)[number];

/** Every service reads these. */
export const CommonEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Pretty logs for people; JSON for machines (the default). */
  LOG_PRETTY: flag(false),
  /** Port of /health, /metrics (and the gateway's /docs, /admin); unset: PORT + 1000. */
  OPS_PORT: z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).optional()),
  DATABASE_MIGRATIONS: z.preprocess(
    unsetIfEmpty,
    z.enum(DATABASE_MIGRATION_MODES, { error: `must be one of ${DATABASE_MIGRATION_MODES.join(', ')}` }).default('boot'),
  ),
});

/** The SASL mechanisms the Kafka client speaks; the env takes them in any case (Kafka's docs write SCRAM-SHA-512). */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];


/** A path the service can read at boot (a mounted Secret, a certificate). */
const readableFile = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .refine((path) => {
      try {
        accessSync(path, constants.R_OK);
        return true;
      } catch {
        return false;
      }
    }, 'must be a readable file')
    .optional(),
);

/** A replica count; unset (or empty) leaves it to the cluster's own default. */
const replicaCount = z.preprocess(unsetIfEmpty, z.coerce.number().int().min(1).max(32_767).optional());

/** `name=count,…` into a map; names as topics are spelled, each at most once. */
const topicPartitions = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const counts = new Map<string, number>();
    for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
      const match = /^([a-zA-Z0-9._-]{1,249})=([1-9][0-9]{0,4})$/.exec(entry);
      if (!match) {
        ctx.addIssue({ code: 'custom', message: `"${entry.slice(0, 80)}" is not topic=partitions (a topic name, a count from 1 to 99999)` });
        return z.NEVER;
      }
      if (counts.has(match[1])) {
        ctx.addIssue({ code: 'custom', message: `${match[1]} is given twice` });
        return z.NEVER;
      }
      counts.set(match[1], Number(match[2]));
    }
    return counts as ReadonlyMap<string, number>;
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
  /** TLS to the brokers, verified against the system's CAs or KAFKA_SSL_CA_FILE. */
  KAFKA_SSL: flag(false),
  KAFKA_SSL_CA_FILE: readableFile,
  /** A client certificate and its key, for brokers that require mTLS. */
  KAFKA_SSL_CERT_FILE: readableFile,
  KAFKA_SSL_KEY_FILE: readableFile,
  KAFKA_SASL_MECHANISM: z.preprocess(
    (v) => (typeof v === 'string' ? unsetIfEmpty(v.toLowerCase()) : v),
    z.enum(KAFKA_SASL_MECHANISMS, { error: `must be one of ${KAFKA_SASL_MECHANISMS.join(', ')}` }).optional(),
  ),
  KAFKA_SASL_USERNAME: z.preprocess(unsetIfEmpty, z.string().optional()),
  KAFKA_SASL_PASSWORD: z.preprocess(unsetIfEmpty, z.string().optional()),
  /** The password in a file (a mounted Secret), instead of KAFKA_SASL_PASSWORD. */
  KAFKA_SASL_PASSWORD_FILE: readableFile,
  /** Replicas of each topic a service creates; unset: the cluster's default.replication.factor. Production: 3. */
  KAFKA_REPLICATION_FACTOR: replicaCount,
  /** min.insync.replicas set on each topic a service creates; unset: the cluster's. Writes are acks=all, so below this many live replicas a partition refuses writes. Production: 2. */
  KAFKA_MIN_INSYNC_REPLICAS: replicaCount,
  /** Partitions of topics when a service creates them, by name without prefix: `ingest.event.accepted.v1=12,matcher.job.scheduled.v1=12`; the rest as the topic registry says. Existing topics are left as they are. */
  KAFKA_TOPIC_PARTITIONS: topicPartitions,
});

/** A service's own connection (GATEWAY_DATABASE_URL, …): each service connects as its own role. */
export const databaseUrl = z.string({ error: "is required (postgres://role:pass@host:port/db, with the service's own role)" }).regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL');

/**
 * The rules across the Kafka security variables. Apps compose env fragments
 * by shape, which drops an object's refinements, so loadConfig applies these
 * to every config that has Kafka settings.
 */
export function kafkaSecurityIssues(env: Partial<KafkaEnv>): { variable: keyof KafkaEnv; message: string }[] {
  const issues: { variable: keyof KafkaEnv; message: string }[] = [];
  const sasl = env.KAFKA_SASL_MECHANISM;
  if (sasl !== undefined) {
    if (env.KAFKA_SASL_USERNAME === undefined) issues.push({ variable: 'KAFKA_SASL_USERNAME', message: `is required with KAFKA_SASL_MECHANISM=${sasl}` });
    if ((env.KAFKA_SASL_PASSWORD === undefined) === (env.KAFKA_SASL_PASSWORD_FILE === undefined)) {
      issues.push({ variable: 'KAFKA_SASL_PASSWORD', message: `set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE with KAFKA_SASL_MECHANISM=${sasl}` });
    }
    // PLAIN sends the password itself: only inside TLS.
    if (sasl === 'plain' && !env.KAFKA_SSL) issues.push({ variable: 'KAFKA_SASL_MECHANISM', message: 'plain needs KAFKA_SSL=true (it sends the password as is)' });
  } else {
    for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const) {
      if (env[variable] !== undefined) issues.push({ variable, message: 'is set but KAFKA_SASL_MECHANISM is not' });
    }
  }
  if ((env.KAFKA_SSL_CERT_FILE === undefined) !== (env.KAFKA_SSL_KEY_FILE === undefined)) {
    issues.push({ variable: 'KAFKA_SSL_CERT_FILE', message: 'set both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE, or neither' });
  }
  if (!env.KAFKA_SSL) {
    for (const variable of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
      if (env[variable] !== undefined) issues.push({ variable, message: 'is set but KAFKA_SSL is not true' });
    }
  }
  return issues;
}

/** A topic whose min.insync.replicas exceeds its replicas refuses every acks=all write. */
export function kafkaReplicationIssues(env: Partial<KafkaEnv>): { variable: keyof KafkaEnv; message: string }[] {
  const { KAFKA_REPLICATION_FACTOR: replicas, KAFKA_MIN_INSYNC_REPLICAS: minInsync } = env;
  if (replicas !== undefined && minInsync !== undefined && minInsync > replicas) {
    return [{ variable: 'KAFKA_MIN_INSYNC_REPLICAS', message: `${minInsync} is more than KAFKA_REPLICATION_FACTOR=${replicas}: every write would be refused` }];
  }
  return [];
}

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
