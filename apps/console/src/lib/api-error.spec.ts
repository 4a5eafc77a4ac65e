import { describeApiError } from './api-error';

describe('API errors in words', () => {
  it('says what to do for each kind of answer', () => {
    expect(describeApiError(401, {})).toMatch(/sign in again/);
    expect(describeApiError(404, { request_id: 'r1' })).toBe('Not found: it does not exist, or belongs to another tenant (request r1).');
    expect(describeApiError(422, { error_type: 'request_invalid', error_codes: ['url_invalid', 'name_too_long'] })).toBe(
      'The API refused the request: url_invalid, name_too_long. Correct it and try again.',
    );
    expect(describeApiError(429, { error_codes: ['too_many_streams'] })).toMatch(/too_many_streams.*wait/);
    expect(describeApiError(503, { error_type: 'service_unavailable' })).toMatch(/503 service_unavailable.*try again/);
    expect(describeApiError(0, undefined)).toMatch(/Could not reach the gateway/);
  });

  it('ignores bodies that are not the API error shape', () => {
    expect(describeApiError(422, 'oops')).toBe('The API refused the request. Correct it and try again.');
    expect(describeApiError(422, { error_codes: [1, {}, 'x'] })).toContain(': x.');
  });
});
