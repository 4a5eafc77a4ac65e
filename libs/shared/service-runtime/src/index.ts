export * from './readiness';
export * from './metrics';
export * from './service-runtime.module';
export * from './bootstrap';
export * from './nest-logger';
export * from './periodic-task';
export * from './internal-auth';
export * from './ops-port';
