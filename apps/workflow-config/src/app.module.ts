import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { MessagingModule } from '@hookstream/messaging';
import { PersistenceModule } from '@hookstream/persistence';
import { ServiceRuntimeModule } from '@hookstream/service-runtime';
import { WorkflowStoreEntities, WorkflowStoreMigrations, WorkflowStoreModule } from '@hookstream/workflow-store';
import { WorkflowConfigConfig, workflowLimitsOf } from './config';

@Module({})
export class WorkflowConfigModule {
  static register(config: WorkflowConfigConfig, logger: Logger): DynamicModule {
    return {
      module: WorkflowConfigModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'workflow-config', logger }),
        MessagingModule.forService(config, 'workflow-config', [Topics.workflowConfig, Topics.endpointDisabled, Topics.configDeadLetter]),
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          schema: `${config.DATABASE_SCHEMA_PREFIX}workflow_config`,
          entities: WorkflowStoreEntities,
          migrations: WorkflowStoreMigrations,
        }),
        WorkflowStoreModule.forRoot({
          publicBaseUrl: config.PUBLIC_BASE_URL,
          relayIntervalMs: config.CONFIG_RELAY_INTERVAL_MS,
          relayBatchSize: config.CONFIG_RELAY_BATCH_SIZE,
          limits: workflowLimitsOf(config),
          // A side-by-side deployment (or test run) on the same cluster gets its own group.
          groupId: `${config.KAFKA_TOPIC_PREFIX}${config.CONFIG_GROUP_ID}`,
          keyRing: config.HOOKSTREAM_ENCRYPTION_KEYS,
          secretRotationGraceMs: config.WEBHOOK_SECRET_ROTATION_GRACE_HOURS * 3_600_000,
        }),
      ],
    };
  }
}
