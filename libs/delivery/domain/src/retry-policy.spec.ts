import fc from 'fast-check';
import { RetryScheduleBounds, type DeliveryJob } from '@hookstream/contracts';
import { classifyAttempt, decideNextStep } from './attempt';
import {
  attemptOffsetsMs,
  maxAttempts,
  parseRetryAfter,
  resolveRetryPolicy,
  retryDelayMs,
  RetryPolicies,
  retryScheduleProblem,
  scaleDelay,
} from './retry-policy';

const s = 1_000;
const m = 60 * s;
const h = 60 * m;

describe('retry policy presets', () => {
  it('checkout: 8 retries at 5m, 10m, 15m, 30m, 1h, 4h, 12h, 12h', () => {
    const policy = resolveRetryPolicy('checkout');
    expect(policy.delaysMs).toEqual([5 * m, 10 * m, 15 * m, 30 * m, h, 4 * h, 12 * h, 12 * h]);
    expect(maxAttempts(policy)).toBe(9);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(policy, n))).toEqual(policy.delaysMs);
    expect(retryDelayMs(policy, 9)).toBeNull();
  });

  it('caf: 5 attempts, all within 26 hours', () => {
    const policy = resolveRetryPolicy('caf');
    expect(maxAttempts(policy)).toBe(5);
    expect(policy.delaysMs).toEqual([m, 30 * m, 4 * h, 20 * h]);
    const offsets = attemptOffsetsMs(policy);
    expect(offsets).toHaveLength(5);
    expect(offsets[4]).toBeLessThanOrEqual(26 * h);
    expect(retryDelayMs(policy, 5)).toBeNull();
  });

  it('mycashflow: 15 retries, first after 15 s, then doubling', () => {
    const policy = resolveRetryPolicy('mycashflow');
    expect(policy.delaysMs).toHaveLength(15);
    expect(policy.delaysMs[0]).toBe(15 * s);
    expect(policy.delaysMs.slice(0, 5)).toEqual([15 * s, 30 * s, 60 * s, 120 * s, 240 * s]);
    for (let i = 1; i < 15; i++) expect(policy.delaysMs[i]).toBe(2 * policy.delaysMs[i - 1]);
    expect(policy.delaysMs[14]).toBe(15 * s * 2 ** 14);
    expect(retryDelayMs(policy, 16)).toBeNull();
  });

  it('standard-webhooks: 5s, 5m, 30m, 2h, 5h, 10h, 10h', () => {
    const policy = resolveRetryPolicy('standard-webhooks');
    expect(policy.delaysMs).toEqual([5 * s, 5 * m, 30 * m, 2 * h, 5 * h, 10 * h, 10 * h]);
    expect(retryDelayMs(policy, 1, { random: () => 0.5 })).toBe(5 * s);
  });

  it('an explicit list is used as given, without jitter', () => {
    const policy = resolveRetryPolicy([1_500, 60_000, 1_000]);
    expect(policy).toEqual({ name: 'custom', delaysMs: [1_500, 60_000, 1_000], jitter: 0 });
    expect([1, 2, 3, 4].map((n) => retryDelayMs(policy, n, { random: () => 0 }))).toEqual([1_500, 60_000, 1_000, null]);
  });

  it('an empty list means a single attempt', () => {
    expect(retryDelayMs(resolveRetryPolicy([]), 1)).toBeNull();
  });
});

describe('jitter', () => {
  const policy = RetryPolicies['standard-webhooks'];

  it('stays within ±20% at the extremes of the random source', () => {
    expect(retryDelayMs(policy, 2, { random: () => 0 })).toBe(0.8 * 5 * m);
    expect(retryDelayMs(policy, 2, { random: () => 0.999999 })).toBeCloseTo(1.2 * 5 * m, -1);
  });

  it('spreads real random draws over the band, never outside it', () => {
    const draws = Array.from({ length: 2000 }, () => retryDelayMs(policy, 4) as number);
    for (const d of draws) {
      expect(d).toBeGreaterThanOrEqual(0.8 * 2 * h);
      expect(d).toBeLessThanOrEqual(1.2 * 2 * h);
    }
    expect(Math.min(...draws)).toBeLessThan(0.85 * 2 * h);
    expect(Math.max(...draws)).toBeGreaterThan(1.15 * 2 * h);
  });

  it('is not applied to presets without it', () => {
    expect(retryDelayMs(RetryPolicies.checkout, 1, { random: () => 0 })).toBe(5 * m);
  });
});

describe('the minimum retry delay', () => {
  it('makes a stored list of zeros (from before the API asked for a minimum) wait RetryScheduleBounds.minDelayMs each time', () => {
    const zeros = resolveRetryPolicy([0, 0, 10]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(zeros, n))).toEqual([1_000, 1_000, 1_000, null]);
    expect(RetryScheduleBounds.minDelayMs).toBe(1_000);
  });

  it('is the configured minimum when one is given, and leaves longer delays alone', () => {
    const policy = resolveRetryPolicy([0, 2_000, 10 * s]);
    expect([1, 2, 3].map((n) => retryDelayMs(policy, n, { minDelayMs: 5 * s }))).toEqual([5 * s, 5 * s, 10 * s]);
  });

  it('holds after jitter and after a Retry-After', () => {
    expect(retryDelayMs(RetryPolicies['standard-webhooks'], 1, { random: () => 0, minDelayMs: 4_500 })).toBe(4_500);
    expect(retryDelayMs(resolveRetryPolicy([0, 0]), 1, { retryAfterMs: 0 })).toBe(1_000);
  });
});

describe('time scale', () => {
  it('shrinks every delay and rounds to whole ms', () => {
    expect(scaleDelay(5 * m, 0.001)).toBe(300);
    expect(scaleDelay(12 * h, 0.001)).toBe(43_200);
    expect(scaleDelay(1234, 1)).toBe(1234);
    expect(scaleDelay(1, 0.001)).toBe(0);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2024-05-01T10:00:00Z');

  it('reads delta-seconds and HTTP-dates', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 01 May 2024 10:01:30 GMT', now)).toBe(90_000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', now)).toBe(0);
  });

  it('ignores what is absent or unreadable', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter('1.5', now)).toBeUndefined();
  });

  it('replaces the scheduled delay, clamped to the schedule bounds', () => {
    const checkout = RetryPolicies.checkout;
    expect(retryDelayMs(checkout, 1, { retryAfterMs: 20 * m })).toBe(20 * m);
    expect(retryDelayMs(checkout, 6, { retryAfterMs: 20 * m })).toBe(20 * m);
    expect(retryDelayMs(checkout, 1, { retryAfterMs: 1 * s })).toBe(5 * m);
    expect(retryDelayMs(checkout, 1, { retryAfterMs: 48 * h })).toBe(12 * h);
  });

  it('does not add attempts beyond the schedule', () => {
    expect(retryDelayMs(RetryPolicies.caf, 5, { retryAfterMs: 10 * s })).toBeNull();
  });

  it('is not jittered', () => {
    expect(retryDelayMs(RetryPolicies['standard-webhooks'], 1, { retryAfterMs: 60 * s, random: () => 0 })).toBe(60 * s);
  });
});

describe('retry schedule bounds', () => {
  const day = 24 * h;

  it('accepts every preset and delays from 0 to 7 days adding up to 30 days', () => {
    for (const policy of Object.values(RetryPolicies)) expect(retryScheduleProblem(policy)).toBeUndefined();
    expect(retryScheduleProblem(resolveRetryPolicy([0, RetryScheduleBounds.maxDelayMs, 7 * day, 7 * day, 7 * day, 2 * day]))).toBeUndefined();
  });

  it.each([[[300_000_000_000_000]], [[7 * day + 1]], [[-1]], [[1.5]], [[Number.NaN]], [[Number.POSITIVE_INFINITY]]])('refuses a delay of %p', (delays) => {
    expect(retryScheduleProblem(resolveRetryPolicy(delays))).toMatch(/^retry_policy_invalid: delay 1 /);
  });

  it('refuses a schedule whose delays add up past 30 days', () => {
    expect(retryScheduleProblem(resolveRetryPolicy(Array.from({ length: 5 }, () => 7 * day)))).toMatch(/add up to .* past/);
    expect(RetryScheduleBounds.maxTotalMs).toBe(30 * day);
  });

  it('never schedules an attempt at an invalid date, whatever the delays: it gives up with the reason', () => {
    const verdict = classifyAttempt({ kind: 'response', status: 500, body: null, receivedAt: new Date(0) }, 0);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 8 * day }), fc.double(), fc.constantFrom(300_000_000_000_000, Number.MAX_VALUE, -1)), { maxLength: 20 }),
        fc.integer({ min: 1, max: 21 }),
        fc.constantFrom(1, 0.001, 1000),
        (delays, attempt, timeScale) => {
          const job = { attempt, action: { retry_policy: delays } } as unknown as Pick<DeliveryJob, 'attempt' | 'action'>;
          const next = decideNextStep(job, verdict, { nowMs: Date.parse('2024-05-01T10:00:00Z'), timeScale });
          if (next.kind === 'retry') expect(() => next.dueAt.toISOString()).not.toThrow();
          else expect(next.kind).toBe('give_up');
        },
      ),
    );
  });
});
