import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { InternalHttpClient } from '@hookstream/gateway-http';
import { ServiceCredentials } from '@hookstream/service-runtime';
import { EVENT_INGEST_CLIENT } from './ingest-client';
import { ProducerEventsController } from './producer-events.controller';

export interface GatewayProducerEventsSettings {
  eventIngestUrl: string;
}

/** POST /events and /events/batch: the producer's HTTP way in, forwarded to event-ingest under the caller's tenant. */
@Module({})
export class GatewayProducerEventsModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_INGEST_CLIENT) private readonly ingest: InternalHttpClient) {}

  static forRoot(settings: GatewayProducerEventsSettings): DynamicModule {
    return {
      module: GatewayProducerEventsModule,
      controllers: [ProducerEventsController],
      providers: [
        {
          provide: EVENT_INGEST_CLIENT,
          useFactory: (credentials: ServiceCredentials) => new InternalHttpClient(settings.eventIngestUrl, credentials),
          inject: [ServiceCredentials],
        },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ingest.close();
  }
}
