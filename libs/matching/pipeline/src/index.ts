export * from './matching-pipeline.module';
export * from './matching-settings';
