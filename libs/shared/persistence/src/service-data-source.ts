import type { DatabaseEnv } from '@hookstream/config';
import { DataSource, DataSourceOptions, EntitySchema, MigrationExecutor, MixedList, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { rowsOf } from './rows';

export interface ServiceDataSourceOptions {
  /** The service's own role: see GATEWAY_DATABASE_URL and its siblings in the README. */
  url: string;
  /** Each service owns one schema; nobody else reads or writes it. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Only for a data source opened outside Nest (tools, tests); in a service, TypeOrmModule.forFeature adds them. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities?: MixedList<Function | string | EntitySchema>;
  poolSize?: number;
}

export function serviceDataSourceOptions(options: ServiceDataSourceOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities ?? [],
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    // The migration step below runs them, after making sure of the schema.
    migrationsRun: false,
    synchronize: false,
    extra: {
      max: options.poolSize ?? 10,
      // Every connection of this service sees its own schema first.
      options: `-c search_path=${options.schema},public`,
      connectionTimeoutMillis: 3000,
    },
  };
}

const RoleRow = z.object({ role: z.string() });
const PresenceRow = z.object({ present: z.boolean() });

// SQLSTATE: insufficient_privilege, invalid_schema_name.
const ACCESS_DENIED = new Set(['42501', '3F000']);

/** The name of the advisory lock a schema's migrations hold: one per schema, so services migrate side by side. */
export const migrationLockName = (schema: string): string => `hookstream:migrations:${schema}`;

/**
 * The migration step: creates the schema if missing (the migrations table
 * lives in it; the role that creates it owns it) and applies the pending
 * migrations, each in its own transaction. A schema that is there already
 * and migrated changes nothing. It holds a Postgres advisory lock on the
 * schema throughout, so replicas that start together take turns: the first
 * migrates, the others then find nothing to do.
 */
export async function migrateServiceSchema(dataSource: DataSource, schema: string): Promise<void> {
  // One session holds the lock and runs the migrations: the lock lasts as long as they do, and a crash ends both.
  const session = dataSource.createQueryRunner();
  try {
    await withSessionLock(session, migrationLockName(schema), async () => {
      // Asked first: creating, even IF NOT EXISTS, needs CREATE on the database, which a role given a ready-made schema may lack.
      const [{ present }] = rowsOf(PresenceRow, await session.query(`SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1) AS present`, [schema]));
      if (!present) await session.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '')}"`);
      const migrations = new MigrationExecutor(dataSource, session);
      migrations.transaction = 'each';
      await migrations.executePendingMigrations();
    });
  } catch (err) {
    const code = (err as { driverError?: { code?: unknown }; code?: unknown }).driverError?.code ?? (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !ACCESS_DENIED.has(code)) throw err;
    const [{ role }] = rowsOf(RoleRow, await session.query(`SELECT current_user AS role`));
    throw new Error(
      `role ${role} may not create or use schema ${schema}: it must own it (scripts/infra.sh up sets up the local roles; see "Database roles" in the README): ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await session.release();
  }
}

/** Runs `work` holding a session-level advisory lock, waiting for whoever holds it now. */
async function withSessionLock<T>(session: QueryRunner, name: string, work: () => Promise<T>): Promise<T> {
  await session.query(`SELECT pg_advisory_lock(hashtextextended($1, 0))`, [name]);
  try {
    return await work();
  } finally {
    await session.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [name]);
  }
}

/**
 * Connects and, unless told to skip it (DATABASE_MIGRATIONS=skip: a release
 * migrated before), runs the migration step; a failure closes the
 * connections again.
 */
export async function openMigrated(options: DataSourceOptions, schema: string, migrate = true): Promise<DataSource> {
  const dataSource = await new DataSource(options).initialize();
  if (!migrate) return dataSource;
  try {
    await migrateServiceSchema(dataSource, schema);
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

/** A migrated data source outside Nest (tools, tests). */
export const openServiceDataSource = (options: ServiceDataSourceOptions): Promise<DataSource> =>
  openMigrated(serviceDataSourceOptions(options), options.schema);

/** A service's schema in this deployment: DATABASE_SCHEMA_PREFIX in front of its name. */
export const serviceSchema = (env: DatabaseEnv, name: string): string => `${env.DATABASE_SCHEMA_PREFIX}${name}`;

/**
 * DATABASE_MIGRATIONS=only: a service's migration step alone, then the
 * connections close (a release's Job or init container; the service itself
 * starts with skip).
 */
export async function migrateOnly(env: DatabaseEnv, options: Omit<ServiceDataSourceOptions, 'entities'>): Promise<{ schema: string }> {
  const schema = serviceSchema(env, options.schema);
  const dataSource = await openServiceDataSource({ ...options, schema });
  await dataSource.destroy();
  return { schema };
}
