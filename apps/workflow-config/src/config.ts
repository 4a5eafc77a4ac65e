import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, loadConfigOrExit, port } from '@hookstream/config';

export const WorkflowConfigEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    PORT: port(3001),
    /** The gateway's public base URL, for _links.self in API answers. */
    PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
    /** How often the config outbox relay polls when idle. */
    CONFIG_RELAY_INTERVAL_MS: z.coerce.number().int().positive().default(150),
    CONFIG_RELAY_BATCH_SIZE: z.coerce.number().int().positive().default(200),
  });
export type WorkflowConfigConfig = z.infer<typeof WorkflowConfigEnv>;

export const loadWorkflowConfigConfig = (): WorkflowConfigConfig => loadConfigOrExit(WorkflowConfigEnv);
