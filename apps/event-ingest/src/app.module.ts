import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import { IngestPipelineModule, ProducerEventLedgerMigrations } from '@hookstream/ingest-pipeline';
import type { Logger } from '@hookstream/logging';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import { InternalAuthModule, ServiceRuntimeModule } from '@hookstream/service-runtime';
import { EventIngestConfig, ingestSettings } from './config';

@Module({})
export class EventIngestModule {
  static register(config: EventIngestConfig, logger: Logger): DynamicModule {
    return {
      module: EventIngestModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'event-ingest', logger }),
        InternalAuthModule.forService(config, 'event-ingest'),
        MessagingModule.forService(config, { service: 'event-ingest', topics: [Topics.producerEvents, Topics.events], deadLetter: Topics.ingestRejected }),
        PersistenceModule.forService(config, { url: config.EVENT_INGEST_DATABASE_URL, schema: 'event_ingest', migrations: ProducerEventLedgerMigrations }),
        IngestPipelineModule.forRoot(ingestSettings(config)),
      ],
    };
  }
}
