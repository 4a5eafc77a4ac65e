import { randomUUID } from 'node:crypto';
import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '@hookstream/logging';
import type { Logger } from '@hookstream/logging';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';

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

// Probes poll these every few seconds: their lines would bury the API's.
const QUIET_PATHS = /^\/(health\/|metrics$)/;

/**
 * Every response carries Cko-Request-Id; every log line of the request
 * carries the id (requestContext), including one access line when it ends.
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  constructor(@Inject(SERVICE_LOGGER) private readonly logger: Logger) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const requestId = ensureRequestId(req, res);
    const context = { requestId };
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const level = QUIET_PATHS.test(req.path) ? 'debug' : 'info';
      // 'finish' fires outside the request's async context: pass its ids explicitly.
      this.logger[level](
        { ...context, method: req.method, path: req.path, status: res.statusCode, duration_ms: Number(process.hrtime.bigint() - started) / 1e6 },
        'request handled',
      );
    });
    requestContext.run(context, () => next());
  }
}
