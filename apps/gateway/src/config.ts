import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, loadConfigOrExit, port } from '@hookstream/config';

export const GatewayEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    PORT: port(3000),
  });
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export const loadGatewayConfig = (): GatewayConfig => loadConfigOrExit(GatewayEnv);
