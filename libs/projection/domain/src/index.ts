export * from './invocation-status';
export * from './subject-cursor';
export * from './storable-json';
export * from './endpoint-health';
