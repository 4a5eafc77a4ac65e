import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@hookstream/logging';
import { KafkaConnection } from '@hookstream/messaging';
import { Metrics, ReadinessRegistry, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { DeliveryPipeline } from './delivery-pipeline';
import type { DeliverySettings } from './delivery-settings';

@Injectable()
class DeliveryLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly pipeline: DeliveryPipeline,
    private readonly readiness: ReadinessRegistry,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  // Joining the consumer groups takes seconds: the service listens (and
  // answers /health/live) meanwhile, and is ready once both lanes joined.
  onApplicationBootstrap(): void {
    this.readiness.register('delivery-consumers', () => this.pipeline.check());
    this.pipeline.start().catch((err: unknown) => this.logger.error({ err }, 'delivery consumers failed to start'));
  }

  // Before MessagingModule disconnects Kafka: handed-off attempts still publish.
  async beforeApplicationShutdown(): Promise<void> {
    await this.pipeline.stop();
  }
}

/** Delivery's Nest wiring; needs MessagingModule and ServiceRuntimeModule (both global). */
@Module({})
export class DeliveryPipelineModule {
  static forRoot(settings: DeliverySettings): DynamicModule {
    return {
      module: DeliveryPipelineModule,
      providers: [
        {
          provide: DeliveryPipeline,
          inject: [KafkaConnection, SERVICE_LOGGER, Metrics],
          useFactory: (connection: KafkaConnection, logger: Logger, metrics: Metrics) =>
            new DeliveryPipeline(connection, settings, logger.child({ component: 'delivery' }), metrics),
        },
        DeliveryLifecycle,
      ],
      exports: [DeliveryPipeline],
    };
  }
}
