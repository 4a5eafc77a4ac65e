export * from './api-key';
export * from './tenant.service';
export * from './tenant-auth.guard';
export * from './gateway-tenants.module';
export * from './actors';
