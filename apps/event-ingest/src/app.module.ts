import { Topics } from '@hookstream/contracts';
import { IngestPipelineModule, ProducerEventLedgerMigrations } from '@hookstream/ingest-pipeline';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import type { ModuleImport } from '@hookstream/service-runtime';
import { EventIngestConfig, ingestSettings } from './config';

/** event-ingest's schema: its role's URL and its migrations (also run alone, with DATABASE_MIGRATIONS=only). */
export const eventIngestDatabase = (config: EventIngestConfig) => ({ url: config.EVENT_INGEST_DATABASE_URL, schema: 'event_ingest', migrations: ProducerEventLedgerMigrations });

/** event-ingest's own modules; runService adds the runtime and internal-call credentials (serviceRoot). */
export const eventIngestModules = (config: EventIngestConfig): ModuleImport[] => [
  MessagingModule.forService(config, { service: 'event-ingest', topics: [Topics.producerEvents, Topics.events], deadLetter: Topics.ingestRejected }),
  PersistenceModule.forService(config, eventIngestDatabase(config)),
  IngestPipelineModule.forRoot(ingestSettings(config)),
];
