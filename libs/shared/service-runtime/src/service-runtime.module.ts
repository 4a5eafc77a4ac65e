import { DynamicModule, Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@hookstream/logging';
import { shutdownTracing } from '@hookstream/tracing';
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

/** At shutdown, after the consumers stopped (beforeApplicationShutdown): the spans of the work that finished meanwhile go to the collector before the process exits. */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return shutdownTracing();
  }
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
        TracingShutdown,
        { provide: Metrics, useValue: new Metrics(options.service) },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: SERVICE_NAME, useValue: options.service },
      ],
      exports: [ReadinessRegistry, Metrics, SERVICE_LOGGER, SERVICE_NAME],
    };
  }
}
