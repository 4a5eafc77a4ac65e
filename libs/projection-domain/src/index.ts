export * from './invocation-status';
export * from './subject-cursor';
