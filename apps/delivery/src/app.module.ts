import { Topics } from '@hookstream/contracts';
import { DELIVERY_TOPICS, DeliveryPipelineModule } from '@hookstream/delivery-pipeline';
import { MessagingModule } from '@hookstream/messaging';
import type { ModuleImport } from '@hookstream/service-runtime';
import { DeliveryConfig, deliverySettings } from './config';

/** delivery's own modules; runService adds the runtime (serviceRoot). */
export const deliveryModules = (config: DeliveryConfig): ModuleImport[] => [
  MessagingModule.forService(config, { service: 'delivery', topics: DELIVERY_TOPICS, deadLetter: Topics.deliveryRejected }),
  DeliveryPipelineModule.forRoot(deliverySettings(config)),
];
