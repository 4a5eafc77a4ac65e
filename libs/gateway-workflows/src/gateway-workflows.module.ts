import { InternalHeaders } from '@hookstream/contracts';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { InternalHttpClient } from '@hookstream/gateway-auth';
import { ServiceCredentials } from '@hookstream/service-runtime';
import { ActionSecretsController } from './action-secrets.controller';
import { EventTypesAdminController } from './event-types-admin.controller';
import { EVENT_INGEST_CLIENT, WORKFLOW_CONFIG_CLIENT } from './internal-clients';
import { ProducerEventsController } from './producer-events.controller';
import { SubscriptionsController } from './subscriptions.controller';
import { WorkflowsController } from './workflows.controller';

export interface GatewayWorkflowsSettings {
  workflowConfigUrl: string;
  eventIngestUrl: string;
  /** Base of the _links.self hrefs that workflow-config builds. */
  publicBaseUrl: string;
}

/** The public configuration API, the catalog's admin endpoint and producer ingest, forwarded to internal services. */
@Module({})
export class GatewayWorkflowsModule implements OnApplicationShutdown {
  constructor(
    @Inject(WORKFLOW_CONFIG_CLIENT) private readonly config: InternalHttpClient,
    @Inject(EVENT_INGEST_CLIENT) private readonly ingest: InternalHttpClient,
  ) {}

  static forRoot(settings: GatewayWorkflowsSettings): DynamicModule {
    return {
      module: GatewayWorkflowsModule,
      controllers: [WorkflowsController, ActionSecretsController, SubscriptionsController, ProducerEventsController, EventTypesAdminController],
      providers: [
        {
          provide: WORKFLOW_CONFIG_CLIENT,
          useFactory: (credentials: ServiceCredentials) =>
            new InternalHttpClient(settings.workflowConfigUrl, credentials, { [InternalHeaders.baseUrl]: settings.publicBaseUrl }),
          inject: [ServiceCredentials],
        },
        {
          provide: EVENT_INGEST_CLIENT,
          useFactory: (credentials: ServiceCredentials) => new InternalHttpClient(settings.eventIngestUrl, credentials),
          inject: [ServiceCredentials],
        },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.config.close(), this.ingest.close()]);
  }
}
