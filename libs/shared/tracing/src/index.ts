export * from './tracing-config';
export * from './trace-context';
export * from './tracing-sdk';
