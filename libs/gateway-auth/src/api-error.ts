import { HttpException } from '@nestjs/common';

/** An answer with a Checkout.com-style error body; the filter adds request_id. */
export class ApiError extends HttpException {
  constructor(status: number, errorType: string, errorCodes?: string[]) {
    super({ error_type: errorType, ...(errorCodes ? { error_codes: errorCodes } : {}) }, status);
  }

  static invalid(codes: string[]): ApiError {
    return new ApiError(422, 'request_invalid', [...new Set(codes)]);
  }
}

/** An internal service answered an error: its status and body pass through. */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`upstream answered ${status}`);
  }
}

/** An internal service could not be reached: the gateway answers 503. */
export class ServiceUnreachableError extends Error {
  override readonly name = 'ServiceUnreachableError';
}
