import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, loadConfigOrExit, port } from '@hookstream/config';

export const WorkflowConfigEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    PORT: port(3001),
  });
export type WorkflowConfigConfig = z.infer<typeof WorkflowConfigEnv>;

export const loadWorkflowConfigConfig = (): WorkflowConfigConfig => loadConfigOrExit(WorkflowConfigEnv);
