import { RetryScheduleBounds, type RetryPolicyRef } from '@hookstream/contracts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * When to try again after a failed attempt: `delaysMs[n - 1]` is the wait
 * after attempt n fails, so a policy allows `delaysMs.length + 1` attempts.
 */
export interface RetryPolicy {
  readonly name: string;
  readonly delaysMs: readonly number[];
  /** ±fraction applied to each delay (0.2 = ±20%); 0 for none. */
  readonly jitter: number;
}

export const RetryPolicies = {
  /** Checkout.com: 8 retries at 5m, 10m, 15m, 30m, 1h, 4h, 12h, 12h. */
  checkout: {
    name: 'checkout',
    delaysMs: [5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 4 * HOUR, 12 * HOUR, 12 * HOUR],
    jitter: 0,
  },
  /** CAF: 5 attempts; the last starts 24h31m after the first, inside CAF's 26 h. */
  caf: { name: 'caf', delaysMs: [MINUTE, 30 * MINUTE, 4 * HOUR, 20 * HOUR], jitter: 0 },
  /** MyCashflow: 15 retries, the first after 15 s, each wait twice the one before. */
  mycashflow: { name: 'mycashflow', delaysMs: Array.from({ length: 15 }, (_, i) => 15 * SECOND * 2 ** i), jitter: 0 },
  /** Standard Webhooks / Svix: 5s, 5m, 30m, 2h, 5h, 10h, 10h, ±20% jitter. */
  'standard-webhooks': {
    name: 'standard-webhooks',
    delaysMs: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
    jitter: 0.2,
  },
} as const satisfies Record<Exclude<RetryPolicyRef, readonly number[]>, RetryPolicy>;

export function resolveRetryPolicy(ref: RetryPolicyRef): RetryPolicy {
  if (Array.isArray(ref)) return { name: 'custom', delaysMs: [...ref], jitter: 0 };
  return RetryPolicies[ref as keyof typeof RetryPolicies];
}

/**
 * Why a schedule cannot be followed, or undefined if it can: a delay that is
 * no whole number of ms from 0 to RetryScheduleBounds.maxDelayMs, or a total
 * past RetryScheduleBounds.maxTotalMs (the config contract's own bounds). Such a schedule would put the next attempt past what
 * a date can hold (or years away); jobs stored before the API bounded it may
 * still carry one.
 */
export function retryScheduleProblem(policy: RetryPolicy): string | undefined {
  let total = 0;
  for (const [i, delay] of policy.delaysMs.entries()) {
    if (!Number.isSafeInteger(delay) || delay < 0 || delay > RetryScheduleBounds.maxDelayMs) {
      return `retry_policy_invalid: delay ${i + 1} (${delay} ms) is outside 0..${RetryScheduleBounds.maxDelayMs} ms`;
    }
    total += delay;
  }
  if (total > RetryScheduleBounds.maxTotalMs) return `retry_policy_invalid: the delays add up to ${total} ms, past ${RetryScheduleBounds.maxTotalMs} ms`;
  return undefined;
}

export function maxAttempts(policy: RetryPolicy): number {
  return policy.delaysMs.length + 1;
}

export interface RetryDelayOptions {
  /** [0, 1); injectable so tests can pin the jitter. */
  random?: () => number;
  /** What the receiver asked for (429/503 Retry-After), in ms. */
  retryAfterMs?: number;
  /** DELIVERY_MIN_RETRY_DELAY_MS: no wait is shorter; RetryScheduleBounds.minDelayMs unless given. */
  minDelayMs?: number;
}

/**
 * Unscaled wait before the attempt after `failedAttempt`, or null when the
 * schedule is exhausted. A Retry-After replaces the scheduled delay, clamped
 * to the schedule's own bounds (its shortest and longest delay), so a
 * receiver can neither make us hammer it nor park a job beyond the schedule.
 * Every wait is at least `minDelayMs`, whatever the schedule, the jitter or
 * the receiver say: a stored schedule of zeros (from before the API asked
 * for RetryScheduleBounds.minDelayMs) would otherwise retry at once.
 */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number, options: RetryDelayOptions = {}): number | null {
  const scheduled = policy.delaysMs[failedAttempt - 1];
  if (scheduled === undefined) return null;
  return Math.max(options.minDelayMs ?? RetryScheduleBounds.minDelayMs, unclampedDelayMs(policy, scheduled, options));
}

function unclampedDelayMs(policy: RetryPolicy, scheduled: number, options: RetryDelayOptions): number {
  if (options.retryAfterMs !== undefined && policy.delaysMs.length > 0) {
    const min = Math.min(...policy.delaysMs);
    const max = Math.max(...policy.delaysMs);
    return Math.min(max, Math.max(min, options.retryAfterMs));
  }
  if (policy.jitter === 0) return scheduled;
  const random = options.random ?? Math.random;
  return Math.round(scheduled * (1 + policy.jitter * (2 * random() - 1)));
}

/** RETRY_TIME_SCALE: 0.001 turns minutes into tenths of a second for tests and demos. */
export function scaleDelay(delayMs: number, timeScale: number): number {
  return Math.max(0, Math.round(delayMs * timeScale));
}

/** Offsets of every attempt from the first, without jitter: what a schedule promises. */
export function attemptOffsetsMs(policy: RetryPolicy): number[] {
  const offsets = [0];
  for (const delay of policy.delaysMs) offsets.push(offsets[offsets.length - 1] + delay);
  return offsets;
}

/** Retry-After as delta-seconds or an HTTP-date, in ms from now; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * SECOND;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, date - nowMs);
}
