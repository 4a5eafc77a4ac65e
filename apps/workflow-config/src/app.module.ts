import { Topics } from '@hookstream/contracts';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import type { ModuleImport } from '@hookstream/service-runtime';
import { WorkflowConfigMigrations, WorkflowConfigServiceModule } from '@hookstream/workflow-config-service';
import { WorkflowConfigConfig, workflowLimitsOf } from './config';

/** workflow-config's schema: its role's URL and its migrations (also run alone, with DATABASE_MIGRATIONS=only). */
export const workflowConfigDatabase = (config: WorkflowConfigConfig) => ({ url: config.WORKFLOW_CONFIG_DATABASE_URL, schema: 'workflow_config', migrations: WorkflowConfigMigrations });

/** workflow-config's own modules; runService adds the runtime and internal-call credentials (serviceRoot). */
export const workflowConfigModules = (config: WorkflowConfigConfig): ModuleImport[] => [
  MessagingModule.forService(config, { service: 'workflow-config', topics: [Topics.workflowConfig, Topics.workflowEvents, Topics.endpointDisabled], deadLetter: Topics.configRejected }),
  PersistenceModule.forService(config, workflowConfigDatabase(config)),
  WorkflowConfigServiceModule.forRoot({
    publicBaseUrl: config.PUBLIC_BASE_URL,
    relayIntervalMs: config.CONFIG_RELAY_INTERVAL_MS,
    relayBatchSize: config.CONFIG_RELAY_BATCH_SIZE,
    configTopicCheckMs: config.CONFIG_TOPIC_CHECK_MS,
    limits: workflowLimitsOf(config),
    maxWorkflowsPerTenant: config.WORKFLOW_MAX_PER_TENANT,
    groupId: config.CONFIG_GROUP_ID,
    keyRing: config.HOOKSTREAM_ENCRYPTION_KEYS,
    secretRotationGraceMs: config.WEBHOOK_SECRET_ROTATION_GRACE_HOURS * 3_600_000,
  }),
];
