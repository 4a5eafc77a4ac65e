export * from './workflow.entity';
export * from './workflow.store';
export * from './workflow-history';
export * from './workflow-rebuild';
export * from './event-type.store';
export * from './outbox.relay';
export * from './workflow-config-service.settings';
export * from './workflow-config-service.module';
