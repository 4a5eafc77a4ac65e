import { NotFoundException } from '@nestjs/common';
import { ApiError, ServiceUnreachableError, UpstreamError } from './api-error';
import { errorResponse } from './api-exception.filter';
import { bearerToken } from './tenant-auth.guard';
import { hashApiKey } from './api-key';

describe('bearerToken', () => {
  it('reads the key bare or after Bearer', () => {
    expect(bearerToken('sk_abc')).toBe('sk_abc');
    expect(bearerToken('Bearer sk_abc')).toBe('sk_abc');
    expect(bearerToken('Bearer   sk_abc ')).toBe('sk_abc');
    expect(bearerToken('bearer sk_abc')).toBe('sk_abc');
  });

  it('has nothing for a missing or empty header', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken('Bearer ')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
  });
});

describe('hashApiKey', () => {
  it('stores SHA-256 hex, never the key', () => {
    const hash = hashApiKey('sk_test');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain('sk_test');
    expect(hashApiKey('sk_test')).toBe(hash);
  });
});

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

  it("keeps the body parser's 400 and 413, and only real faults are 500", () => {
    expect(errorResponse(Object.assign(new SyntaxError('Unexpected end of JSON input'), { status: 400 }))).toEqual({ status: 400, body: { error_type: 'request_malformed' } });
    expect(errorResponse(Object.assign(new Error('request entity too large'), { status: 413 }))).toEqual({ status: 413, body: { error_type: 'request_too_large' } });
    expect(errorResponse(new TypeError('boom'))).toEqual({ status: 500, body: { error_type: 'internal_error' } });
  });
});
