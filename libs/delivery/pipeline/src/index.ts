export * from './delivery-settings';
export * from './delivery-pipeline';
export * from './delivery-pipeline.module';
export * from './concurrency-gate';
export * from './handoff-ledger';
