import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from '@hookstream/logging';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';
import { ApiError, DatabaseUnavailableError, RateLimitedError, RETRY_AFTER_SECONDS, ServiceUnreachableError, UpstreamError } from './api-error';
import { ensureRequestId } from './request-id.middleware';

const ERROR_TYPES: Record<number, string> = {
  400: 'request_malformed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'request_too_large',
  415: 'unsupported_media_type',
  422: 'request_invalid',
  429: 'too_many_requests',
  503: 'service_unavailable',
};

function errorType(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'internal_error' : 'request_invalid');
}

export interface ErrorAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Retry-After, on 503s a client should try again after, and on 429s. */
  retryAfter?: string;
}

/** The body and status of any error, in the public error shape. */
export function errorResponse(err: unknown): ErrorAnswer {
  if (err instanceof UpstreamError) {
    // The internal service's own request id would hide the gateway's.
    const { request_id: _, ...body } = typeof err.body === 'object' && err.body !== null && !Array.isArray(err.body) ? (err.body as Record<string, unknown>) : {};
    return { status: err.status, body: { error_type: errorType(err.status), ...body }, ...(err.retryAfter ? { retryAfter: err.retryAfter } : {}) };
  }
  if (err instanceof ServiceUnreachableError) return { status: 503, body: { error_type: 'service_unavailable' } };
  if (err instanceof DatabaseUnavailableError) return { status: 503, body: { error_type: 'service_unavailable', error_codes: ['database_unavailable'] }, retryAfter: RETRY_AFTER_SECONDS };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const payload = err.getResponse();
    const own = typeof payload === 'object' && payload !== null && 'error_type' in payload ? (payload as Record<string, unknown>) : {};
    return { status, body: { error_type: errorType(status), ...own }, ...(err instanceof RateLimitedError ? { retryAfter: String(err.retryAfterSeconds) } : {}) };
  }
  // body-parser errors carry their status (400 invalid JSON, 413 too large).
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) return { status, body: { error_type: errorType(status) } };
  return { status: 500, body: { error_type: 'internal_error' } };
}

/** Every error answers JSON with request_id and error_type; bad input is never a 500. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(@Inject(SERVICE_LOGGER) private readonly logger: Logger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const { status, body, retryAfter } = errorResponse(err);
    const requestId = ensureRequestId(req, res);
    if (status >= 500) this.logger.error({ err, requestId, status }, 'request failed');
    if (res.headersSent) return;
    if (retryAfter) res.setHeader('Retry-After', retryAfter);
    res.status(status).json({ request_id: requestId, ...body });
  }
}

/**
 * Express error handler for what fails before Nest routes the request
 * (body-parser: invalid JSON 400, oversize 413). Register right after the body parser.
 */
export const bodyErrorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const { status, body } = errorResponse(err);
  res.status(status).json({ request_id: ensureRequestId(req, res), ...body });
};

/** 404 not_found in the API's error shape, for a path asked on the port that does not serve it. */
export const apiNotFound: RequestHandler = (req, res, next) => bodyErrorHandler(new ApiError(404, 'not_found'), req, res, next);
