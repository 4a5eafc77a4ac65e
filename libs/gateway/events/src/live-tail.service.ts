import { BeforeApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { AttemptFeedPage, ProjectionApi } from '@hookstream/contracts';
import { InternalHttpClient } from '@hookstream/gateway-http';
import type { Logger } from '@hookstream/logging';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings, PROJECTION_CLIENT } from './gateway-events-settings';
import { DEFAULT_LIVE_TAIL, LiveTailHub } from './live-tail';

/**
 * The gateway process's live tail (LiveTailHub), fed by projection's attempt
 * feed. Streams end before the HTTP server closes, so SIGTERM never waits on
 * a browser tab.
 */
@Injectable()
export class LiveTailService extends LiveTailHub implements BeforeApplicationShutdown {
  constructor(
    @Inject(PROJECTION_CLIENT) projection: InternalHttpClient,
    @Inject(GATEWAY_EVENTS_SETTINGS) settings: GatewayEventsSettings,
    @Inject(SERVICE_LOGGER) logger: Logger,
  ) {
    super(
      {
        read: (tenantId, query) =>
          projection.read('GET', ProjectionApi.attempts.path({}, { after: query.after, limit: query.limit, workflow_id: query.workflowId }), AttemptFeedPage, { tenantId }),
      },
      { ...DEFAULT_LIVE_TAIL, ...settings.liveTail },
      logger,
    );
  }

  beforeApplicationShutdown(): void {
    this.closeAll();
  }
}
