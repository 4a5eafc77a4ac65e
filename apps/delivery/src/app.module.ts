import { DynamicModule, Module } from '@nestjs/common';
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
        MessagingModule.forService(config, 'delivery', DELIVERY_TOPICS),
        DeliveryPipelineModule.forRoot(deliverySettings(config)),
      ],
    };
  }
}
