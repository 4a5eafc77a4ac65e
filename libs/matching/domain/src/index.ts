export * from './workflow-index';
export * from './delivery-jobs';
export * from './index-agreement';
