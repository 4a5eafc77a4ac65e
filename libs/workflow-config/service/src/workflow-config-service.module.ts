import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeyRing } from '@hookstream/secrets';
import { ActionSecretsInternalController } from './action-secrets.internal.controller';
import { EndpointDisabledConsumer } from './endpoint-disabled.consumer';
import { EventTypeStore } from './event-type.store';
import { OutboxRelay } from './outbox.relay';
import { CreateConfigOutboxRejected1764650000000 } from './outbox-rejected.migration';
import { InternalRequestContextMiddleware } from './request-context.middleware';
import { SecretResealer } from './secret-resealer';
import { CreateWorkflowConfig1732300000001 } from './workflow-config.migration';
import { RecordWorkflowEvents1765100000000 } from './workflow-events.migration';
import { WorkflowHistory } from './workflow-history';
import { WorkflowRebuild } from './workflow-rebuild';
import { ConfigOutboxEntity, EventTypeEntity, WorkflowEntity } from './workflow.entity';
import { WorkflowStore } from './workflow.store';
import { WORKFLOW_CONFIG_SERVICE_SETTINGS, WorkflowConfigServiceSettings } from './workflow-config-service.settings';
import { WorkflowsInternalController } from './workflows.internal.controller';

/** workflow-config's tables with an entity; the outbox rejects are written with SQL only. */
export const WorkflowConfigEntities = [WorkflowEntity, ConfigOutboxEntity, EventTypeEntity];
export const WorkflowConfigMigrations = [CreateWorkflowConfig1732300000001, CreateConfigOutboxRejected1764650000000, RecordWorkflowEvents1765100000000];

/** Workflows in Postgres (their events and snapshots), the config outbox and its relay, history and rebuild, the internal API, the 410 consumer. */
@Module({})
export class WorkflowConfigServiceModule implements NestModule {
  static forRoot(settings: WorkflowConfigServiceSettings): DynamicModule {
    return {
      module: WorkflowConfigServiceModule,
      imports: [TypeOrmModule.forFeature(WorkflowConfigEntities)],
      controllers: [WorkflowsInternalController, ActionSecretsInternalController],
      providers: [
        { provide: WORKFLOW_CONFIG_SERVICE_SETTINGS, useValue: settings },
        { provide: KeyRing, useValue: settings.keyRing },
        WorkflowStore,
        WorkflowHistory,
        WorkflowRebuild,
        EventTypeStore,
        OutboxRelay,
        EndpointDisabledConsumer,
        SecretResealer,
      ],
      exports: [WorkflowStore, WorkflowRebuild],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(InternalRequestContextMiddleware).forRoutes(WorkflowsInternalController, ActionSecretsInternalController);
  }
}
