export * from './service-credentials';
export * from './internal-route.guard';
export * from './internal-auth.module';
export * from './internal-api.client';
