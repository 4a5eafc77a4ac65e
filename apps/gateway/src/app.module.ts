import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import { GatewayTenantsMigrations, GatewayTenantsModule } from '@hookstream/gateway-tenants';
import { GatewayEventsModule } from '@hookstream/gateway-events';
import { GatewayHttpModule } from '@hookstream/gateway-http';
import { GatewayProducerEventsModule } from '@hookstream/gateway-producer-events';
import { GatewayWorkflowsModule } from '@hookstream/gateway-workflows';
import type { Logger } from '@hookstream/logging';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import { InternalAuthModule, ServiceRuntimeModule } from '@hookstream/service-runtime';
import type { GatewayConfig } from './config';

@Module({})
export class GatewayModule {
  static register(config: GatewayConfig, logger: Logger): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'gateway', logger }),
        InternalAuthModule.forService(config, 'gateway'),
        MessagingModule.forService(config, { service: 'gateway', topics: [Topics.reflowRequests] }),
        PersistenceModule.forService(config, { url: config.GATEWAY_DATABASE_URL, schema: 'gateway', migrations: GatewayTenantsMigrations }),
        GatewayHttpModule,
        GatewayTenantsModule.forRoot({
          bootstrapTenantId: config.BOOTSTRAP_TENANT_ID,
          bootstrapApiKey: config.BOOTSTRAP_API_KEY,
          adminApiKey: config.ADMIN_API_KEY,
        }),
        // Feature modules of the public API: add new ones here.
        GatewayWorkflowsModule.forRoot({
          workflowConfigUrl: config.WORKFLOW_CONFIG_URL,
          publicBaseUrl: config.PUBLIC_BASE_URL,
        }),
        GatewayProducerEventsModule.forRoot({ eventIngestUrl: config.EVENT_INGEST_URL }),
        GatewayEventsModule.forRoot({
          projectionUrl: config.PROJECTION_URL,
          workflowConfigUrl: config.WORKFLOW_CONFIG_URL,
          publicBaseUrl: config.PUBLIC_BASE_URL,
        }),
      ],
    };
  }
}
