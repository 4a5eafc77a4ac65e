export * from './api-error';
export * from './api-exception.filter';
export * from './request-id.middleware';
export * from './validation';
export * from './tenant.service';
export * from './tenant-auth.guard';
export * from './internal-http-client';
export * from './gateway-auth.module';
