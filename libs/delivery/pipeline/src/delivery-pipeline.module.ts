import { BeforeApplicationShutdown, DynamicModule, Injectable, Module } from '@nestjs/common';
import type { Logger } from '@hookstream/logging';
import { ConsumerHost, KafkaConnection } from '@hookstream/messaging';
import { Metrics, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { DeliveryPipeline } from './delivery-pipeline';
import type { DeliverySettings } from './delivery-settings';

@Injectable()
class DeliveryLifecycle implements BeforeApplicationShutdown {
  constructor(private readonly pipeline: DeliveryPipeline) {}

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
          inject: [KafkaConnection, ConsumerHost, SERVICE_LOGGER, Metrics],
          useFactory: (connection: KafkaConnection, host: ConsumerHost, logger: Logger, metrics: Metrics) =>
            new DeliveryPipeline(connection, host, settings, logger.child({ component: 'delivery' }), metrics),
        },
        DeliveryLifecycle,
      ],
      exports: [DeliveryPipeline],
    };
  }
}
