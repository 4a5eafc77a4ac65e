import { DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from '@hookstream/logging';
import { HealthController } from './health.controller';
import { Metrics } from './metrics';
import { OpsListener } from './ops-port';
import { ReadinessRegistry } from './readiness';

export const SERVICE_LOGGER = Symbol('SERVICE_LOGGER');
export const SERVICE_NAME = Symbol('SERVICE_NAME');

export interface ServiceRuntimeOptions {
  service: string;
  logger: Logger;
}

/** Health, readiness, metrics, the ops port and the logger: what every service has. */
@Global()
@Module({})
export class ServiceRuntimeModule {
  static forRoot(options: ServiceRuntimeOptions): DynamicModule {
    return {
      module: ServiceRuntimeModule,
      controllers: [HealthController],
      providers: [
        ReadinessRegistry,
        OpsListener,
        { provide: Metrics, useValue: new Metrics(options.service) },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: SERVICE_NAME, useValue: options.service },
      ],
      exports: [ReadinessRegistry, Metrics, SERVICE_LOGGER, SERVICE_NAME],
    };
  }
}
