import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, loadConfigOrExit, port } from '@hookstream/config';

export const ProjectionEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend({
    PORT: port(3005),
  });
export type ProjectionConfig = z.infer<typeof ProjectionEnv>;

export const loadProjectionConfig = (): ProjectionConfig => loadConfigOrExit(ProjectionEnv);
