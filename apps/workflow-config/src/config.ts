import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, loadConfigOrExit, port } from '@hookstream/config';

export const WorkflowConfigEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    PORT: port(3001),
    /** For _links.self in answers to callers that do not pass the gateway's (the gateway does, in x-hookstream-base-url). */
    PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
    /** How often the config outbox relay polls when idle. */
    CONFIG_RELAY_INTERVAL_MS: z.coerce.number().int().positive().default(150),
    CONFIG_RELAY_BATCH_SIZE: z.coerce.number().int().positive().default(200),
    /** Consumer group of the endpoint-disabled topic; KAFKA_TOPIC_PREFIX is put in front. */
    CONFIG_GROUP_ID: z.string().min(1).default('workflow-config'),
  });
export type WorkflowConfigConfig = z.infer<typeof WorkflowConfigEnv>;

export const loadWorkflowConfigConfig = (): WorkflowConfigConfig => loadConfigOrExit(WorkflowConfigEnv);
