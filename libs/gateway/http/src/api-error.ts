import { HttpException } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Every error answer (OpenAPI model). */
export class ApiErrorBody {
  @ApiProperty({ description: 'Also in the Cko-Request-Id header', example: '0b0f3c52-4f57-4d8e-9a37-5c2f4b0f9d1e' })
  request_id!: string;

  @ApiProperty({ example: 'request_invalid', description: 'request_invalid | unauthorized | not_found | request_malformed | request_too_large | service_unavailable | …' })
  error_type!: string;

  @ApiPropertyOptional({ type: [String], example: ['url_invalid'], description: 'With request_invalid: what is wrong' })
  error_codes?: string[];
}

/** An answer with a Checkout.com-style error body; the filter adds request_id. */
export class ApiError extends HttpException {
  constructor(status: number, errorType: string, errorCodes?: string[]) {
    super({ error_type: errorType, ...(errorCodes ? { error_codes: errorCodes } : {}) }, status);
  }

  static invalid(codes: string[]): ApiError {
    return new ApiError(422, 'request_invalid', [...new Set(codes)]);
  }
}

/** 429 rate_limit_exceeded: the caller is over its rate; Retry-After says in how many whole seconds it may try again. */
export class RateLimitedError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too_many_requests', ['rate_limit_exceeded']);
  }
}

/** An internal service answered an error: its status, body and Retry-After pass through. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfter?: string,
  ) {
    super(`upstream answered ${status}`);
  }
}

/** Seconds a client should wait after a 503 for a dependency that went away: reconnects take a few. */
export const RETRY_AFTER_SECONDS = '5';

/** The gateway's own Postgres (tenants and keys) could not be reached: 503 with Retry-After. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** An internal service could not be reached: the gateway answers 503. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
}
