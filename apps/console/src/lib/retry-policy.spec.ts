import { describeRetryPolicy, parseRetryPolicy } from './retry-policy';

describe('retry policies', () => {
  it('reads a named policy or delays with units', () => {
    expect(parseRetryPolicy(' checkout ')).toEqual({ policy: 'checkout' });
    expect(parseRetryPolicy('1s, 30s 5m,1h')).toEqual({ policy: [1000, 30_000, 300_000, 3_600_000] });
    expect(parseRetryPolicy('1000, 2000')).toEqual({ policy: [1000, 2000] });
  });

  it('refuses what is neither', () => {
    expect(parseRetryPolicy('')).toHaveProperty('error');
    expect(parseRetryPolicy('1s, soon')).toEqual({ error: '"soon" is not a delay: write 500ms, 30s, 5m or 1h.' });
  });

  it('describes a policy for the page', () => {
    expect(describeRetryPolicy('standard-webhooks')).toBe('standard-webhooks');
    expect(describeRetryPolicy([1000, 300_000])).toBe('1 s, 5 min');
    expect(describeRetryPolicy({})).toBe('unknown');
  });
});
