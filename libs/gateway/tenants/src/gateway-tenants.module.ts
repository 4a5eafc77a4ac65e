import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminController } from './admin.controller';
import { AdminGuard, TenantAuthGuard } from './tenant-auth.guard';
import { ApiKeyEntity, TenantEntity } from './tenant.entity';
import { ApiKeyLifecycle1764700000000 } from './api-key-lifecycle.migration';
import { CreateTenants1732300000000, TenantUserIds1764650000000 } from './tenants.migration';
import { GATEWAY_TENANTS_SETTINGS, GatewayTenantsSettings, TenantService } from './tenant.service';

/** The gateway's tables, as TypeORM entities. */
export const GatewayTenantsEntities = [TenantEntity, ApiKeyEntity];
export const GatewayTenantsMigrations = [CreateTenants1732300000000, TenantUserIds1764650000000, ApiKeyLifecycle1764700000000];

/**
 * Tenants and their API keys: TenantAuthGuard and @CurrentTenant() for the
 * public API, AdminGuard and the admin API for operators. Global, so feature
 * libs only import the guards.
 */
@Global()
@Module({})
export class GatewayTenantsModule {
  static forRoot(settings: GatewayTenantsSettings): DynamicModule {
    return {
      module: GatewayTenantsModule,
      imports: [TypeOrmModule.forFeature(GatewayTenantsEntities)],
      controllers: [AdminController],
      providers: [
        { provide: GATEWAY_TENANTS_SETTINGS, useValue: settings },
        TenantService,
        TenantAuthGuard,
        AdminGuard,
      ],
      exports: [TenantService, TenantAuthGuard, AdminGuard, GATEWAY_TENANTS_SETTINGS],
    };
  }
}
