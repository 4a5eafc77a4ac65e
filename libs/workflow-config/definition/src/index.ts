export * from './workflow-limits';
export * from './workflow-input';
export * from './workflow-changes';
export * from './workflow-view';
export * from './event-type-catalog';
export * from './subscription';
export * from './workflow-secrets';
export * from './workflow-decider';
