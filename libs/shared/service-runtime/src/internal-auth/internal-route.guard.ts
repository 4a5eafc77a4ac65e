import { applyDecorators, CanActivate, Controller, createParamDecorator, ExecutionContext, HttpException, Injectable, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { InternalHeaders } from '@hookstream/contracts';
import { requestContext } from '@hookstream/logging';
import { ServiceCredentials, VerifiedCaller } from './service-credentials';

const callers = new WeakMap<Request, VerifiedCaller>();

/**
 * Every internal route: refuses a call without a valid service credential
 * (401 service_credential_missing | _invalid | _expired), and remembers who
 * made the call and for which tenant.
 */
@Injectable()
export class InternalRouteGuard implements CanActivate {
  constructor(private readonly credentials: ServiceCredentials) {}

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    const check = this.credentials.verify(req.header(InternalHeaders.credential), { method: req.method, path: req.originalUrl });
    if (!check.ok) throw new UnauthorizedException({ error_type: 'unauthorized', error_codes: [check.error] });
    callers.set(req, check.caller);
    const logContext = requestContext.current();
    if (logContext && check.caller.tenantId) logContext.tenantId = check.caller.tenantId;
    return true;
  }
}

/** A controller of internal routes (patterns from the contracts' internal API), each behind InternalRouteGuard, kept out of OpenAPI. */
export const InternalController = (): ClassDecorator => applyDecorators(Controller(), UseGuards(InternalRouteGuard), ApiExcludeController());

/** The tenant named in the call's credential; 400 tenant_required when it names none. */
export const CallerTenant = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const tenantId = callers.get(context.switchToHttp().getRequest<Request>())?.tenantId;
  if (!tenantId) throw new HttpException({ error_type: 'request_invalid', error_codes: ['tenant_required'] }, 400);
  return tenantId;
});
