import { InternalHeaders } from '@hookstream/contracts';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '@hookstream/logging';

/**
 * Log lines written while serving the gateway carry its request id
 * (x-request-id); the tenant joins them once the call's credential is checked
 * (InternalRouteGuard).
 */
@Injectable()
export class InternalRequestContextMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const requestId = req.header(InternalHeaders.requestId);
    requestContext.run(requestId ? { requestId } : {}, () => next());
  }
}
