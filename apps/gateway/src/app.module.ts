import path from 'node:path';
import { Topics } from '@hookstream/contracts';
import { GatewayConsoleModule } from '@hookstream/gateway-console';
import { GatewayTenantsMigrations, GatewayTenantsModule } from '@hookstream/gateway-tenants';
import { GatewayEventsMigrations, GatewayEventsModule } from '@hookstream/gateway-events';
import { GatewayHttpModule } from '@hookstream/gateway-http';
import { GatewayProducerEventsModule } from '@hookstream/gateway-producer-events';
import { GatewayWorkflowsModule } from '@hookstream/gateway-workflows';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import type { ModuleImport } from '@hookstream/service-runtime';
import { type GatewayConfig, ingestRateLimitOf } from './config';

/** gateway's schema: its role's URL and its migrations (also run alone, with DATABASE_MIGRATIONS=only). */
export const gatewayDatabase = (config: GatewayConfig) => ({ url: config.GATEWAY_DATABASE_URL, schema: 'gateway', migrations: [...GatewayTenantsMigrations, ...GatewayEventsMigrations] });

/** gateway's own modules; runService adds the runtime and internal-call credentials (serviceRoot). */
export const gatewayModules = (config: GatewayConfig): ModuleImport[] => [
  MessagingModule.forService(config, { service: 'gateway', topics: [Topics.reflowRequests] }),
  PersistenceModule.forService(config, gatewayDatabase(config)),
  GatewayHttpModule,
  GatewayTenantsModule.forRoot({
    bootstrapTenantId: config.BOOTSTRAP_TENANT_ID,
    bootstrapApiKey: config.BOOTSTRAP_API_KEY,
    adminApiKey: config.ADMIN_API_KEY,
  }),
  // Feature modules of the public API: add new ones here. Routes are matched in this order:
  // events first, so that /workflows/events is not taken for a workflow id by /workflows/{id}.
  GatewayEventsModule.forRoot({
    projectionUrl: config.PROJECTION_URL,
    workflowConfigUrl: config.WORKFLOW_CONFIG_URL,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    reflow: {
      maxEvents: config.REFLOW_MAX_EVENTS,
      concurrency: config.REFLOW_CONCURRENCY,
      eventsPerSecond: config.REFLOW_EVENTS_PER_SECOND,
      maxUnfinishedPerTenant: config.REFLOW_MAX_UNFINISHED_PER_TENANT,
    },
    liveTail: { maxStreamsPerTenant: config.LIVE_TAIL_MAX_STREAMS_PER_TENANT },
  }),
  GatewayWorkflowsModule.forRoot({
    workflowConfigUrl: config.WORKFLOW_CONFIG_URL,
    publicBaseUrl: config.PUBLIC_BASE_URL,
  }),
  GatewayProducerEventsModule.forRoot({ eventIngestUrl: config.EVENT_INGEST_URL, rateLimit: ingestRateLimitOf(config) }),
  // The console web app at /console: tools/build-console.js builds it there (the image has it at /app/dist/apps/console).
  GatewayConsoleModule.forRoot({ dir: path.resolve('dist/apps/console') }),
];
