import { applyDecorators, CanActivate, Controller, createParamDecorator, ExecutionContext, ForbiddenException, HttpException, Injectable, SetMetadata, UnauthorizedException, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { InternalHeaders, SERVICE_NOT_ALLOWED } from '@hookstream/contracts';
import { requestContext } from '@hookstream/logging';
import { ServiceCredentials, VerifiedCaller } from './service-credentials';

const callers = new WeakMap<Request, VerifiedCaller>();
const ALLOWED_CALLERS = 'hookstream:internal-callers';

/**
 * Every internal route: refuses a call without a valid service credential
 * (401 service_credential_missing | _invalid | _expired), or from a service
 * the route is not for (403 service_not_allowed), and remembers who made the
 * call, for which tenant and on whose behalf.
 */
@Injectable()
export class InternalRouteGuard implements CanActivate {
  constructor(
    private readonly credentials: ServiceCredentials,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    // rawBody: the bytes the body parser read (bootstrapService keeps them), the ones the caller signed.
    const body = (req as Request & { rawBody?: Buffer }).rawBody;
    const check = this.credentials.verify(req.header(InternalHeaders.credential), { method: req.method, path: req.originalUrl, body, actor: req.header(InternalHeaders.actor) });
    if (!check.ok) throw new UnauthorizedException({ error_type: 'unauthorized', error_codes: [check.error] });
    const allowed = this.reflector.getAllAndOverride<readonly string[] | undefined>(ALLOWED_CALLERS, [context.getHandler(), context.getClass()]);
    if (allowed && !allowed.includes(check.caller.service)) throw new ForbiddenException({ error_type: 'forbidden', error_codes: [SERVICE_NOT_ALLOWED] });
    callers.set(req, check.caller);
    const logContext = requestContext.current();
    if (logContext && check.caller.tenantId) logContext.tenantId = check.caller.tenantId;
    return true;
  }
}

/** The services that may call a route (or every route of a controller); a handler's list replaces its controller's. */
export const InternalCallers = (...services: string[]) => SetMetadata(ALLOWED_CALLERS, services);

/**
 * A controller of internal routes (patterns from the contracts' internal
 * API), each behind InternalRouteGuard, kept out of OpenAPI; `callers`: the
 * services it is for (none: any service with a valid credential).
 */
export const InternalController = (callers?: readonly string[]): ClassDecorator =>
  applyDecorators(Controller(), UseGuards(InternalRouteGuard), ApiExcludeController(), ...(callers ? [InternalCallers(...callers)] : []));

/** The tenant named in the call's credential; 400 tenant_required when it names none. */
export const CallerTenant = createParamDecorator((_: unknown, context: ExecutionContext): string => callerTenantOf(context.switchToHttp().getRequest<Request>()));

/** CallerTenant's rule, for decorators that read more of the call: the tenant its credential names; 400 tenant_required when none. */
export function callerTenantOf(req: Request): string {
  const tenantId = callers.get(req)?.tenantId;
  if (!tenantId) throw new HttpException({ error_type: 'request_invalid', error_codes: ['tenant_required'] }, 400);
  return tenantId;
}

/**
 * Who made the public request behind the call, as the caller signed it
 * (`api_key:<key id>`, `admin`); undefined when the call names no one (the
 * platform acting on its own).
 */
export function callerActorOf(req: Request): string | undefined {
  return callers.get(req)?.actor;
}
