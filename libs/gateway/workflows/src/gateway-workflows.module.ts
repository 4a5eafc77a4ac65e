import { InternalHeaders } from '@hookstream/contracts';
import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { InternalHttpClient } from '@hookstream/gateway-http';
import { ServiceCredentials } from '@hookstream/service-runtime';
import { ActionSecretsController } from './action-secrets.controller';
import { EventTypesAdminController } from './event-types-admin.controller';
import { GATEWAY_WORKFLOWS_SETTINGS, GatewayWorkflowsSettings } from './gateway-workflows-settings';
import { WORKFLOW_CONFIG_CLIENT } from './internal-clients';
import { SubscriptionsController } from './subscriptions.controller';
import { WorkflowsController } from './workflows.controller';

export type { GatewayWorkflowsSettings } from './gateway-workflows-settings';

/** The public configuration API and the catalog's admin endpoint, forwarded to workflow-config. */
@Module({})
export class GatewayWorkflowsModule implements OnApplicationShutdown {
  constructor(@Inject(WORKFLOW_CONFIG_CLIENT) private readonly config: InternalHttpClient) {}

  static forRoot(settings: GatewayWorkflowsSettings): DynamicModule {
    return {
      module: GatewayWorkflowsModule,
      controllers: [WorkflowsController, ActionSecretsController, SubscriptionsController, EventTypesAdminController],
      providers: [
        { provide: GATEWAY_WORKFLOWS_SETTINGS, useValue: settings },
        {
          provide: WORKFLOW_CONFIG_CLIENT,
          useFactory: (credentials: ServiceCredentials) =>
            new InternalHttpClient(settings.workflowConfigUrl, credentials, { [InternalHeaders.baseUrl]: settings.publicBaseUrl }),
          inject: [ServiceCredentials],
        },
      ],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.config.close();
  }
}
