import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdminController } from './admin.controller';
import { ApiExceptionFilter } from './api-exception.filter';
import { PathIdPipe } from './path-id.pipe';
import { RequestIdMiddleware } from './request-id.middleware';
import { AdminGuard, TenantAuthGuard } from './tenant-auth.guard';
import { ApiKeyEntity, TenantEntity } from './tenant.entity';
import { ApiKeyLifecycle1764700000000 } from './api-key-lifecycle.migration';
import { CreateTenants1732300000000, TenantUserIds1764650000000 } from './tenants.migration';
import { GATEWAY_AUTH_SETTINGS, GatewayAuthSettings, TenantService } from './tenant.service';
import { createValidationPipe } from './validation';

/** The gateway's tables, as TypeORM entities. */
export const GatewayAuthEntities = [TenantEntity, ApiKeyEntity];
export const GatewayAuthMigrations = [CreateTenants1732300000000, TenantUserIds1764650000000, ApiKeyLifecycle1764700000000];

/**
 * The gateway's edge: tenants and keys, TenantAuthGuard, request ids, the
 * path-id and validation pipes and the error filter. Global, so feature libs only import
 * the guards (TenantAuthGuard, AdminGuard) and @CurrentTenant().
 */
@Global()
@Module({})
export class GatewayAuthModule implements NestModule {
  static forRoot(settings: GatewayAuthSettings): DynamicModule {
    return {
      module: GatewayAuthModule,
      imports: [TypeOrmModule.forFeature(GatewayAuthEntities)],
      controllers: [AdminController],
      providers: [
        { provide: GATEWAY_AUTH_SETTINGS, useValue: settings },
        TenantService,
        TenantAuthGuard,
        AdminGuard,
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
        { provide: APP_PIPE, useClass: PathIdPipe },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
      exports: [TenantService, TenantAuthGuard, AdminGuard, GATEWAY_AUTH_SETTINGS],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestIdMiddleware).forRoutes('*');
  }
}
