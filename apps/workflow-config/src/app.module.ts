import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import { InternalAuthModule, ServiceRuntimeModule } from '@hookstream/service-runtime';
import { WorkflowConfigMigrations, WorkflowConfigServiceModule } from '@hookstream/workflow-config-service';
import { WorkflowConfigConfig, workflowLimitsOf } from './config';

@Module({})
export class WorkflowConfigModule {
  static register(config: WorkflowConfigConfig, logger: Logger): DynamicModule {
    return {
      module: WorkflowConfigModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'workflow-config', logger }),
        InternalAuthModule.forService(config, 'workflow-config'),
        MessagingModule.forService(config, { service: 'workflow-config', topics: [Topics.workflowConfig, Topics.endpointDisabled], deadLetter: Topics.configRejected }),
        PersistenceModule.forService(config, { url: config.WORKFLOW_CONFIG_DATABASE_URL, schema: 'workflow_config', migrations: WorkflowConfigMigrations }),
        WorkflowConfigServiceModule.forRoot({
          publicBaseUrl: config.PUBLIC_BASE_URL,
          relayIntervalMs: config.CONFIG_RELAY_INTERVAL_MS,
          relayBatchSize: config.CONFIG_RELAY_BATCH_SIZE,
          limits: workflowLimitsOf(config),
          groupId: config.CONFIG_GROUP_ID,
          keyRing: config.HOOKSTREAM_ENCRYPTION_KEYS,
          secretRotationGraceMs: config.WEBHOOK_SECRET_ROTATION_GRACE_HOURS * 3_600_000,
        }),
      ],
    };
  }
}
