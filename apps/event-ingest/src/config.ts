import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, loadConfigOrExit, port } from '@hookstream/config';

export const EventIngestEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    PORT: port(3002),
  });
export type EventIngestConfig = z.infer<typeof EventIngestEnv>;

export const loadEventIngestConfig = (): EventIngestConfig => loadConfigOrExit(EventIngestEnv);
