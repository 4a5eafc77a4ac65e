export * from './workflow-index';
export * from './delivery-jobs';
