import { z } from 'zod';
import { CommonEnv, DatabaseEnv, databaseUrl, InternalApiEnv, KafkaEnv, loadConfigOrExit, port, positiveInt, positiveNumber } from '@hookstream/config';
import type { ProjectionSettings } from '@hookstream/projection-service';
import { serviceSchema } from '@hookstream/persistence';

export const ProjectionEnv = CommonEnv.extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend(InternalApiEnv.shape)
  .extend({
    PROJECTION_DATABASE_URL: databaseUrl,
    PORT: port(3005),
    /** Base of the consumer groups: <id>-events, <id>-outcomes, <id>-test-events. */
    PROJECTION_GROUP_ID: z.string().min(1).default('projection'),
    PROJECTION_RETENTION_DAYS: positiveInt(30),
    PROJECTION_PURGE_EVERY_MINUTES: positiveNumber(60),
    PROJECTION_PURGE_BATCH_SIZE: positiveInt(5000),
  });
export type ProjectionConfig = z.infer<typeof ProjectionEnv>;

export const loadProjectionConfig = (): ProjectionConfig => loadConfigOrExit(ProjectionEnv);

export function projectionSettings(config: ProjectionConfig): ProjectionSettings {
  return {
    groupId: config.PROJECTION_GROUP_ID,
    retentionDays: config.PROJECTION_RETENTION_DAYS,
    purgeEveryMs: config.PROJECTION_PURGE_EVERY_MINUTES * 60_000,
    purgeBatchSize: config.PROJECTION_PURGE_BATCH_SIZE,
  };
}

export const projectionSchema = (config: ProjectionConfig) => serviceSchema(config, 'projection');
