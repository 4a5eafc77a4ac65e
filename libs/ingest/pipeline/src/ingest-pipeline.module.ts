import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@hookstream/logging';
import { runPeriodically, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { EventIngestor } from './event-ingestor';
import { EventTypeCatalogClient } from './event-type-catalog.client';
import { IngestController } from './ingest.controller';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';
import { ProducerEventLedger } from './producer-event-ledger';
import { ProducerTopicsConsumer } from './producer-topics.consumer';

const PURGE_EVERY_MS = 10 * 60_000;

@Injectable()
class LedgerRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private stop = () => undefined as void;

  constructor(
    private readonly ledger: ProducerEventLedger,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = runPeriodically('producer-id purge', PURGE_EVERY_MS, async () => {
      const purged = await this.ledger.purgeExpired(this.settings.dedupWindowHours);
      if (purged > 0) this.logger.info({ purged }, 'purged expired producer ids');
    }, this.logger);
  }

  onApplicationShutdown(): void {
    this.stop();
  }
}

/** event-ingest's work: producer topics and internal HTTP in, canonical events out. */
@Module({})
export class IngestPipelineModule {
  static forRoot(settings: IngestSettings): DynamicModule {
    return {
      module: IngestPipelineModule,
      controllers: [IngestController],
      providers: [{ provide: INGEST_SETTINGS, useValue: settings }, EventTypeCatalogClient, ProducerEventLedger, EventIngestor, ProducerTopicsConsumer, LedgerRetention],
    };
  }
}
