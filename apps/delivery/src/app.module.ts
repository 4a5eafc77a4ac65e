import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { MessagingModule } from '@hookstream/messaging';
import { ServiceRuntimeModule } from '@hookstream/service-runtime';
import type { DeliveryConfig } from './config';

@Module({})
export class DeliveryModule {
  static register(config: DeliveryConfig, logger: Logger): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'delivery', logger }),
        MessagingModule.forRoot({
          brokers: config.KAFKA_BROKERS,
          clientId: config.KAFKA_CLIENT_ID ?? 'delivery',
          topicPrefix: config.KAFKA_TOPIC_PREFIX,
          topics: [Topics.deliveryJobs, Topics.deliveryOutcomes, Topics.deliveryDeadLetter, Topics.endpointDisabled, Topics.deliveryRejected],
        }),
      ],
    };
  }
}
