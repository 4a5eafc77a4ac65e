import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { InternalHttpClient } from '@hookstream/gateway-http';
import { Metrics, ServiceCredentials } from '@hookstream/service-runtime';
import { EVENT_INGEST_CLIENT } from './ingest-client';
import { IngestAdmission } from './ingest-admission';
import { IngestRateLimiter, IngestRatePolicy } from './ingest-rate-limit';
import { ProducerEventsController } from './producer-events.controller';
import { SingleEventForwarder } from './single-event-forwarder';

export type { IngestRatePolicy } from './ingest-rate-limit';

/**
 * Calls in flight to event-ingest at once (batches, and the single events'
 * grouped calls). event-ingest groups concurrent calls' dedup queries and
 * publishes, so a call's time there is mostly waiting on round trips it
 * shares: the more in flight, the more each carries. Past this, calls wait
 * in line in the gateway.
 */
const INGEST_CONNECTIONS = 128;

export interface GatewayProducerEventsSettings {
  eventIngestUrl: string;
  /** Each tenant's events per second and burst over HTTP, in this gateway process; null: no limit. */
  rateLimit: IngestRatePolicy | null;
}

/** POST /events and /events/batch: the producer's HTTP way in, held to each tenant's rate, forwarded to event-ingest under the caller's tenant. */
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
          useFactory: (credentials: ServiceCredentials) => new InternalHttpClient(settings.eventIngestUrl, credentials, {}, INGEST_CONNECTIONS),
          inject: [ServiceCredentials],
        },
        { provide: SingleEventForwarder, useFactory: (ingest: InternalHttpClient) => new SingleEventForwarder(ingest), inject: [EVENT_INGEST_CLIENT] },
        {
          provide: IngestAdmission,
          useFactory: (metrics: Metrics) => new IngestAdmission(settings.rateLimit && new IngestRateLimiter(settings.rateLimit), metrics),
          inject: [Metrics],
        },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ingest.close();
  }
}
