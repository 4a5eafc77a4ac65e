import { NotFoundException } from '@nestjs/common';
import { ApiError, RateLimitedError, ServiceUnreachableError, UpstreamError } from './api-error';
import { errorResponse } from './api-exception.filter';

describe('errorResponse', () => {
  it('gives validation failures their codes', () => {
    expect(errorResponse(ApiError.invalid(['url_invalid', 'url_invalid', 'name_required']))).toEqual({
      status: 422,
      body: { error_type: 'request_invalid', error_codes: ['url_invalid', 'name_required'] },
    });
  });

  it("maps Nest's own exceptions to the error shape", () => {
    expect(errorResponse(new NotFoundException())).toEqual({ status: 404, body: { error_type: 'not_found' } });
  });

  it("passes an internal service's answer through, keeping the gateway's request id", () => {
    const upstream = new UpstreamError(422, { request_id: 'internal', error_type: 'request_invalid', error_codes: ['event_type_unknown'] });
    expect(errorResponse(upstream)).toEqual({ status: 422, body: { error_type: 'request_invalid', error_codes: ['event_type_unknown'] } });
    expect(errorResponse(new UpstreamError(404, 'not json'))).toEqual({ status: 404, body: { error_type: 'not_found' } });
  });

  it('answers 503 when an internal service is unreachable', () => {
    expect(errorResponse(new ServiceUnreachableError('ECONNREFUSED'))).toEqual({ status: 503, body: { error_type: 'service_unavailable' } });
  });

  it('answers 429 rate_limit_exceeded with the seconds to wait in Retry-After', () => {
    expect(errorResponse(new RateLimitedError(3))).toEqual({ status: 429, body: { error_type: 'too_many_requests', error_codes: ['rate_limit_exceeded'] }, retryAfter: '3' });
  });

  it("keeps the body parser's 400 and 413, and only real faults are 500", () => {
    expect(errorResponse(Object.assign(new SyntaxError('Unexpected end of JSON input'), { status: 400 }))).toEqual({ status: 400, body: { error_type: 'request_malformed' } });
    expect(errorResponse(Object.assign(new Error('request entity too large'), { status: 413 }))).toEqual({ status: 413, body: { error_type: 'request_too_large' } });
    expect(errorResponse(new TypeError('boom'))).toEqual({ status: 500, body: { error_type: 'internal_error' } });
  });
});
