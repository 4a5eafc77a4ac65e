import { DynamicModule, Global, Inject, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CommonEnv, DatabaseEnv } from '@hookstream/config';
import { Metrics, ReadinessRegistry } from '@hookstream/service-runtime';
import { openMigrated, ServiceDataSourceOptions, serviceDataSourceOptions, serviceSchema } from '../service-data-source';

@Injectable()
class DatabaseReadiness implements OnModuleInit {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register('postgres', async () => {
      await this.dataSource.query('SELECT 1');
    });
  }
}

/** What pg's Pool says of itself; TypeORM's Postgres driver keeps it as `master`. */
interface PoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

function poolOf(dataSource: DataSource): PoolCounts | undefined {
  const pool = (dataSource.driver as { master?: Partial<PoolCounts> }).master;
  return typeof pool?.totalCount === 'number' && typeof pool.idleCount === 'number' && typeof pool.waitingCount === 'number' ? (pool as PoolCounts) : undefined;
}

/** The pool's use, read at each scrape: a pool at its size with clients waiting is where queries queue. */
@Injectable()
class DatabasePoolMetrics implements OnModuleInit {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    private readonly metrics: Metrics,
  ) {}

  onModuleInit(): void {
    const read = (count: keyof PoolCounts) => () => poolOf(this.dataSource)?.[count] ?? 0;
    this.metrics.gauge('hookstream_db_pool_connections', 'Connections the Postgres pool holds open, busy or idle', [], read('totalCount'));
    this.metrics.gauge('hookstream_db_pool_idle_connections', 'Open Postgres connections no query is using', [], read('idleCount'));
    this.metrics.gauge('hookstream_db_pool_waiting_clients', 'Queries waiting for a Postgres connection: the pool is at its size', [], read('waitingCount'));
  }
}

/**
 * The service's TypeORM DataSource (TypeOrmModule, so feature modules take
 * repositories with TypeOrmModule.forFeature and @InjectRepository), migrated
 * before anything else starts (unless DATABASE_MIGRATIONS=skip), with a
 * readiness check. TypeOrmModule closes it on shutdown.
 */
@Global()
@Module({})
export class PersistenceModule {
  /** A service's own schema (DATABASE_SCHEMA_PREFIX in front) through its own role's URL. */
  static forService(env: DatabaseEnv & Pick<CommonEnv, 'DATABASE_MIGRATIONS'>, options: Omit<ServiceDataSourceOptions, 'entities'>): DynamicModule {
    return PersistenceModule.forRoot({ ...options, schema: serviceSchema(env, options.schema), migrate: env.DATABASE_MIGRATIONS !== 'skip' });
  }

  /** `migrate: false` connects to a schema a release migrated before (DATABASE_MIGRATIONS=skip). */
  static forRoot(options: Omit<ServiceDataSourceOptions, 'entities'> & { migrate?: boolean }): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...serviceDataSourceOptions(options),
            // The entities of every TypeOrmModule.forFeature: no list to keep beside them.
            autoLoadEntities: true,
            // No retries in place: a service that cannot reach Postgres at boot exits at once, and its supervisor restarts it.
            toRetry: () => false,
          }),
          // The migration step runs before any provider can use the data source.
          dataSourceFactory: (dataSourceOptions) => openMigrated(dataSourceOptions ?? serviceDataSourceOptions(options), options.schema, options.migrate ?? true),
        }),
      ],
      providers: [DatabaseReadiness, DatabasePoolMetrics],
    };
  }
}
