export * from './projection-service.module';
export * from './projection-settings';
export { ProjectionMigrations } from './projection.migration';
export { ReadModelRebuild } from './read-model-rebuild';
