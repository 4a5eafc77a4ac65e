import { randomUUID } from 'node:crypto';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '@hookstream/logging';

export const REQUEST_ID_HEADER = 'Cko-Request-Id';

/** The request id of a request, creating and announcing it on first use. */
export function ensureRequestId(req: Request, res: Response): string {
  const holder = req as Request & { requestId?: string };
  if (!holder.requestId) {
    holder.requestId = randomUUID();
    if (!res.headersSent) res.setHeader(REQUEST_ID_HEADER, holder.requestId);
  }
  return holder.requestId;
}

/** Every response carries Cko-Request-Id; every log line of the request carries the id. */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(req: Request, res: Response, next: NextFunction): void {
    const requestId = ensureRequestId(req, res);
    requestContext.run({ requestId }, () => next());
  }
}
