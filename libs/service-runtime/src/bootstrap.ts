import { INestApplication, Type, DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createLogger, Logger } from '@hookstream/logging';
import { PinoNestLogger } from './nest-logger';

export interface BootstrapOptions {
  module: Type<unknown> | DynamicModule;
  logger: Logger;
  port: number;
  host?: string;
  /** Largest JSON body accepted; larger answers 413. */
  bodyLimit?: string;
  /** Lets a service add middleware, pipes or OpenAPI before it listens. */
  configure?: (app: NestExpressApplication) => void | Promise<void>;
}

/**
 * Creates and starts a service: pino for Nest's logs, clean shutdown on
 * SIGTERM/SIGINT (consumers finish their batch and commit), and a listening
 * HTTP server for health, metrics and the service's own API.
 */
export async function bootstrapService(options: BootstrapOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(options.module, {
    logger: new PinoNestLogger(options.logger),
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: options.bodyLimit ?? '1mb' });
  app.enableShutdownHooks();
  await options.configure?.(app);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  options.logger.info({ port: options.port }, 'service listening');
  return app;
}

export interface RunServiceOptions<C extends { LOG_LEVEL: string; LOG_PRETTY: boolean; PORT: number }> {
  service: string;
  loadConfig: () => C;
  module: (config: C, logger: Logger) => Type<unknown> | DynamicModule;
  bodyLimit?: string;
  configure?: (app: NestExpressApplication, config: C) => void | Promise<void>;
}

/** A service's whole main(): typed config, logger, module, listen; exit 1 if boot fails. */
export function runService<C extends { LOG_LEVEL: string; LOG_PRETTY: boolean; PORT: number }>(options: RunServiceOptions<C>): void {
  const config = options.loadConfig();
  const logger = createLogger({ service: options.service, level: config.LOG_LEVEL, pretty: config.LOG_PRETTY });
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));
  bootstrapService({
    module: options.module(config, logger),
    logger,
    port: config.PORT,
    bodyLimit: options.bodyLimit,
    configure: options.configure ? (app) => options.configure?.(app, config) : undefined,
  }).catch((err: unknown) => {
    logger.fatal({ err }, 'service failed to start');
    process.exit(1);
  });
}
