import { BeforeApplicationShutdown, DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '@hookstream/logging';
import { runPeriodically, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { ProjectionController } from './projection.controller';
import { PROJECTION_SETTINGS, ProjectionSettings } from './projection-settings';
import { ReadModelConsumers } from './read-model.consumers';
import { ReadModelQueries } from './read-model-queries';
import { ReadModelWriter } from './read-model-writer';

@Injectable()
class ReadModelRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private stop = () => undefined as void;

  constructor(
    private readonly writer: ReadModelWriter,
    @Inject(PROJECTION_SETTINGS) private readonly settings: ProjectionSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.stop = runPeriodically('read model purge', this.settings.purgeEveryMs, async () => {
      const cutoff = new Date(Date.now() - this.settings.retentionDays * 86_400_000);
      const purged = await this.writer.purgeOlderThan(cutoff, this.settings.purgeBatchSize);
      if (purged > 0) this.logger.info({ purged, cutoff }, 'purged read models past retention');
    }, this.logger);
  }

  beforeApplicationShutdown(): void {
    this.stop();
  }
}

/** projection's work: read models written from Kafka, read over internal HTTP. */
@Module({})
export class ProjectionServiceModule {
  static forRoot(settings: ProjectionSettings): DynamicModule {
    return {
      module: ProjectionServiceModule,
      controllers: [ProjectionController],
      providers: [{ provide: PROJECTION_SETTINGS, useValue: settings }, ReadModelWriter, ReadModelQueries, ReadModelConsumers, ReadModelRetention],
    };
  }
}
