import { InternalHeaders } from '@hookstream/contracts';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '@hookstream/logging';

/**
 * Log lines written while serving the gateway carry its request id and the
 * tenant (x-request-id, x-hookstream-tenant: trusted, internal network only).
 */
@Injectable()
export class InternalRequestContextMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const requestId = req.header(InternalHeaders.requestId);
    const tenantId = req.header(InternalHeaders.tenant);
    requestContext.run({ ...(requestId ? { requestId } : {}), ...(tenantId ? { tenantId } : {}) }, () => next());
  }
}
