import { DynamicModule, Module } from '@nestjs/common';
import { InternalHttpClient } from '@hookstream/gateway-http';
import { ServiceCredentials } from '@hookstream/service-runtime';
import { EventReflowService } from './event-reflow.service';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings, PROJECTION_CLIENT, WORKFLOW_CONFIG_CLIENT } from './gateway-events-settings';
import { WorkflowEventsController } from './workflow-events.controller';

export type { GatewayEventsSettings } from './gateway-events-settings';

/** The events half of the public API, backed by projection and workflow-config. */
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
        EventReflowService,
      ],
    };
  }
}
