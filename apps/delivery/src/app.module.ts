import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import { DELIVERY_TOPICS, DeliveryPipelineModule } from '@hookstream/delivery-pipeline';
import type { Logger } from '@hookstream/logging';
import { MessagingModule } from '@hookstream/messaging';
import { ServiceRuntimeModule } from '@hookstream/service-runtime';
import { DeliveryConfig, deliverySettings } from './config';

@Module({})
export class DeliveryModule {
  static register(config: DeliveryConfig, logger: Logger): DynamicModule {
    return {
      module: DeliveryModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'delivery', logger }),
        MessagingModule.forService(config, { service: 'delivery', topics: DELIVERY_TOPICS, deadLetter: Topics.deliveryRejected }),
        DeliveryPipelineModule.forRoot(deliverySettings(config)),
      ],
    };
  }
}
