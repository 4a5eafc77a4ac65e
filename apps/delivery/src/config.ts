import { z } from 'zod';
import { CommonEnv, KafkaEnv, loadConfigOrExit, port } from '@hookstream/config';

export const DeliveryEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend({
    PORT: port(3004),
  });
export type DeliveryConfig = z.infer<typeof DeliveryEnv>;

export const loadDeliveryConfig = (): DeliveryConfig => loadConfigOrExit(DeliveryEnv);
