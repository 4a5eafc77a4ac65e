import { INestApplication, Type, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { RequestListener } from 'node:http';
import type { RequestHandler } from 'express';
import type { DatabaseMigrations, InternalApiEnv } from '@hookstream/config';
import { createLogger, Logger } from '@hookstream/logging';
import { PinoNestLogger } from './nest-logger';
import { httpMetrics } from './http-metrics';
import { Metrics } from './metrics';
import { answerRouteNotFound, OpsListener, resolveOpsPort, SERVICE_OPS_PATHS } from './ops-port';
import { ModuleImport, serviceRoot } from './service-root';

export interface BootstrapOptions {
  module: Type<unknown> | DynamicModule;
  logger: Logger;
  port: number;
  /** Where /health, /metrics and `opsPaths` are served; they answer 404 on `port`. */
  opsPort: number;
  host?: string;
  /** Paths served on the ops port beside /health and /metrics (the gateway's /docs and /admin). */
  opsPaths?: readonly string[];
  /** The answer to a path asked on the wrong port: Nest's 404 unless the service has its own error shape. */
  answerNotFound?: RequestHandler;
  /** Largest JSON body accepted; larger answers 413. */
  bodyLimit?: string;
  /** Lets a service add middleware, pipes or OpenAPI before it listens. */
  configure?: (app: NestExpressApplication) => void | Promise<void>;
}

/**
 * Creates and starts a service: pino for Nest's logs, clean shutdown on
 * SIGTERM/SIGINT (consumers finish their batch and commit), the service's own
 * API on its port, and health, metrics and other ops paths on the ops port,
 * so an Ingress or a Service that exposes one port exposes nothing else.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(options.module, {
    logger: new PinoNestLogger(options.logger),
    bodyParser: false,
    // The bytes of each JSON body, which internal calls' credentials sign.
    rawBody: true,
  });
  const ops = app.get(OpsListener);
  // Before anything can answer, so every answer is timed: 404s and 413s too.
  app.use(httpMetrics(app.get(Metrics)));
  // First of all: a request on the wrong port goes no further, not even into the body parser.
  app.use(ops.splitByPort([...SERVICE_OPS_PATHS, ...(options.opsPaths ?? [])], options.answerNotFound ?? answerRouteNotFound));
  app.useBodyParser('json', { limit: options.bodyLimit ?? '1mb' });
  app.enableShutdownHooks();
  await options.configure?.(app);
  const host = options.host ?? '0.0.0.0';
  await app.listen(options.port, host);
  const opsPort = await ops.listen(app.getHttpAdapter().getInstance() as RequestListener, options.opsPort, host);
  options.logger.info({ port: options.port, opsPort }, 'service listening');
  return app;
}

export interface ServiceEnv {
  LOG_LEVEL: string;
  LOG_PRETTY: boolean;
  PORT: number;
  OPS_PORT?: number;
  DATABASE_MIGRATIONS: DatabaseMigrations;
}

export interface RunServiceOptions<C extends ServiceEnv> {
  service: string;
  loadConfig: () => C;
  /** The service's own modules; the runtime and internal-call credentials are added (serviceRoot). */
  modules: (config: C) => readonly ModuleImport[];
  /** For a service with internal calls: its INTERNAL_API_* settings. */
  internalApi?: (config: C) => InternalApiEnv;
  /** For a service with a database: its migration step alone, for DATABASE_MIGRATIONS=only. */
  migrateOnly?: (config: C) => Promise<{ schema: string }>;
  bodyLimit?: string;
  opsPaths?: readonly string[];
  answerNotFound?: RequestHandler;
  configure?: (app: NestExpressApplication, config: C) => void | Promise<void>;
}

/** A service's whole main(): typed config, logger, module, listen; exit 1 if boot fails. */
export function runService<C extends ServiceEnv>(options: RunServiceOptions<C>): void {
  const config = options.loadConfig();
  const logger = createLogger({ service: options.service, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  if (config.DATABASE_MIGRATIONS === 'only') {
    const migrate = options.migrateOnly;
    migrateAndExit(logger, migrate && (() => migrate(config)));
    return;
  }
  Promise.resolve()
    .then(() =>
      bootstrapService({
        module: serviceRoot({ service: options.service, logger, internalApi: options.internalApi?.(config), imports: options.modules(config) }),
        logger,
        port: config.PORT,
        opsPort: resolveOpsPort(config.PORT, config.OPS_PORT),
        opsPaths: options.opsPaths,
        answerNotFound: options.answerNotFound,
        bodyLimit: options.bodyLimit,
        configure: options.configure ? (app) => options.configure?.(app, config) : undefined,
      }),
    )
    .catch((err: unknown) => {
      logger.fatal({ err }, 'service failed to start');
      process.exit(1);
    });
}

/** DATABASE_MIGRATIONS=only: the migration step, then exit 0 (1 if it fails); nothing else starts. */
function migrateAndExit(logger: Logger, migrate: (() => Promise<{ schema: string }>) | undefined): void {
  if (!migrate) {
    logger.info('DATABASE_MIGRATIONS=only: this service has no database; nothing to migrate');
    process.exit(0);
  }
  migrate().then(
    (migrated) => {
      logger.info({ schema: migrated.schema }, 'DATABASE_MIGRATIONS=only: schema migrated');
      process.exit(0);
    },
    (err: unknown) => {
      logger.fatal({ err }, 'DATABASE_MIGRATIONS=only: migration failed');
      process.exit(1);
    },
  );
}
