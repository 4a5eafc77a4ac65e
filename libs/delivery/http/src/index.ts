export * from './egress-policy';
export * from './egress-rules';
export * from './guarded-connector';
export * from './webhook-client';
export * from './breaker-registry';
export * from './tenant-origin';
