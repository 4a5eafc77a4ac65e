import { timingSafeEqual } from 'node:crypto';
import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Inject, Injectable, UseGuards } from '@nestjs/common';
import { ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { requestContext } from '@hookstream/logging';
import { ApiError, ApiErrorBody } from '@hookstream/gateway-http';
import { SECRET_KEY_PREFIX } from './api-key';
import { AuthenticatedTenant, GATEWAY_TENANTS_SETTINGS, GatewayTenantsSettings, TenantService } from './tenant.service';

type TenantRequest = Request & { tenant?: AuthenticatedTenant };

/** `Authorization: sk_…` or `Authorization: Bearer sk_…` (the scheme in any case, as HTTP allows). */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const token = header.trim().replace(/^bearer(\s+|$)/i, '').trim();
  return token.length > 0 ? token : undefined;
}

const unauthorized = () => new ApiError(401, 'unauthorized');

/** Secret API key -> tenant; anything else (unknown, revoked, expired) answers 401. */
@Injectable()
export class TenantAuthGuard implements CanActivate {
  constructor(private readonly tenants: TenantService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<TenantRequest>();
    const key = bearerToken(req.headers.authorization);
    if (!key || !key.startsWith(SECRET_KEY_PREFIX)) throw unauthorized();
    const tenant = await this.tenants.authenticate(key);
    if (!tenant) throw unauthorized();
    req.tenant = tenant;
    const log = requestContext.current();
    if (log) log.tenantId = tenant.id;
    return true;
  }
}

/** The tenant TenantAuthGuard authenticated. */
export const CurrentTenant = createParamDecorator((_: unknown, context: ExecutionContext): AuthenticatedTenant => {
  const tenant = context.switchToHttp().getRequest<TenantRequest>().tenant;
  if (!tenant) throw unauthorized();
  return tenant;
});

/** `Authorization: Bearer <ADMIN_API_KEY>`; no admin key configured means no admin access. */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(@Inject(GATEWAY_TENANTS_SETTINGS) private readonly settings: GatewayTenantsSettings) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.settings.adminApiKey;
    const given = bearerToken(context.switchToHttp().getRequest<Request>().headers.authorization);
    if (!expected || !given) throw unauthorized();
    const a = Buffer.from(given);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw unauthorized();
    return true;
  }
}

/** A controller of the public API: every route needs a tenant's key (TenantAuthGuard), and says so in OpenAPI. */
export const TenantApi = () =>
  applyDecorators(ApiSecurity('api-key'), ApiUnauthorizedResponse({ type: ApiErrorBody, description: 'Missing or unknown API key' }), UseGuards(TenantAuthGuard));
