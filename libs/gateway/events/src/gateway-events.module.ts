import { DynamicModule, Module } from '@nestjs/common';
import { InternalHttpClient } from '@hookstream/gateway-http';
import { systemClock } from '@hookstream/messaging';
import { ServiceCredentials } from '@hookstream/service-runtime';
import { EventReflowService } from './event-reflow.service';
import { LiveTailService } from './live-tail.service';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings, PROJECTION_CLIENT, REFLOW_CLOCK, REFLOW_IO, WORKFLOW_CONFIG_CLIENT } from './gateway-events-settings';
import { ReflowRunner } from './reflow-runner';
import { ReflowRepository } from './reflow.repository';
import { CreateReflows1767100000000 } from './reflow.migration';
import { SubjectReflowService } from './subject-reflow.service';
import { WorkflowEventsController } from './workflow-events.controller';

export type { GatewayEventsSettings, LiveTailOptions, ReflowSettings } from './gateway-events-settings';

/** The gateway's tables for events: reflows by subject. */
export const GatewayEventsMigrations = [CreateReflows1767100000000];

/** The events half of the public API, backed by projection and workflow-config; reflows by subject run in the background; the live tail streams attempts. */
@Module({})
export class GatewayEventsModule {
  static forRoot(settings: GatewayEventsSettings): DynamicModule {
    return {
      module: GatewayEventsModule,
      controllers: [WorkflowEventsController],
      providers: [
        { provide: GATEWAY_EVENTS_SETTINGS, useValue: settings },
        { provide: PROJECTION_CLIENT, useFactory: (c: ServiceCredentials) => new InternalHttpClient(settings.projectionUrl, c), inject: [ServiceCredentials] },
        { provide: WORKFLOW_CONFIG_CLIENT, useFactory: (c: ServiceCredentials) => new InternalHttpClient(settings.workflowConfigUrl, c), inject: [ServiceCredentials] },
        { provide: REFLOW_IO, useExisting: EventReflowService },
        { provide: REFLOW_CLOCK, useValue: systemClock },
        EventReflowService,
        LiveTailService,
        ReflowRepository,
        ReflowRunner,
        SubjectReflowService,
      ],
    };
  }
}
