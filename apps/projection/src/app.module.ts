import { Topics } from '@hookstream/contracts';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import { ProjectionMigrations, ProjectionServiceModule } from '@hookstream/projection-service';
import type { ModuleImport } from '@hookstream/service-runtime';
import { ProjectionConfig, projectionSettings } from './config';

/** projection's schema: its role's URL and its migrations (also run alone, with DATABASE_MIGRATIONS=only). */
export const projectionDatabase = (config: ProjectionConfig) => ({ url: config.PROJECTION_DATABASE_URL, schema: 'projection', migrations: ProjectionMigrations });

/** projection's own modules; runService adds the runtime and internal-call credentials (serviceRoot). */
export const projectionModules = (config: ProjectionConfig): ModuleImport[] => [
  MessagingModule.forService(config, { service: 'projection', topics: [Topics.events, Topics.deliveryOutcomes, Topics.reflowRequests], deadLetter: Topics.projectionRejected }),
  PersistenceModule.forService(config, projectionDatabase(config)),
  ProjectionServiceModule.forRoot(projectionSettings(config)),
];
