export * from './ingest-pipeline.module';
export * from './ingest-settings';
export { ProducerEventLedgerMigrations } from './producer-event-ids.migration';
