import type { BreakerAsObserved, HealthBucket, HealthWindow } from '@hookstream/contracts';

/** An endpoint's health covers the last hour, in 5-minute buckets. */
export const HEALTH_WINDOW_MS = 60 * 60_000;
export const HEALTH_BUCKET_MS = 5 * 60_000;
export const HEALTH_BUCKETS = HEALTH_WINDOW_MS / HEALTH_BUCKET_MS;

/** The hour up to `nowMs`; buckets start at `from`, every HEALTH_BUCKET_MS. */
export function healthWindow(nowMs: number): HealthWindow {
  return { from: new Date(nowMs - HEALTH_WINDOW_MS).toISOString(), to: new Date(nowMs).toISOString() };
}

/** What the query counted in one bucket that had attempts. */
export interface CountedBucket {
  from: string;
  attempts: number;
  succeeded: number;
  p95_ms: number | null;
}

/** Every bucket of the window, oldest first, the empty ones included (a chart needs them). */
export function healthSeries(window: HealthWindow, counted: readonly CountedBucket[]): HealthBucket[] {
  const start = Date.parse(window.from);
  const byStart = new Map(counted.map((b) => [Date.parse(b.from), b]));
  return Array.from({ length: HEALTH_BUCKETS }, (_, i) => {
    const from = start + i * HEALTH_BUCKET_MS;
    const found = byStart.get(from);
    return { from: new Date(from).toISOString(), attempts: found?.attempts ?? 0, succeeded: found?.succeeded ?? 0, p95_ms: found?.p95_ms ?? null };
  });
}

/** The times, within the window, of an action's newest attempt, newest short-circuited one and newest success. */
export interface BreakerEvidence {
  newestAt: string | null;
  circuitOpenAt: string | null;
  succeededAt: string | null;
}

/**
 * A circuit breaker's state as the attempts last showed it. Breakers live in
 * each delivery replica's memory, so this is what the recorded attempts say:
 * open when the newest short-circuited attempt (circuit_open) is newer than
 * any success; closed when a success came after it, or nothing was ever
 * short-circuited; unknown with no attempt in the window. `as_of` is the
 * newest attempt's time: when the endpoint was last seen.
 */
export function breakerAsObserved(evidence: BreakerEvidence): BreakerAsObserved {
  const { newestAt, circuitOpenAt, succeededAt } = evidence;
  if (newestAt === null) return { state: 'unknown', as_of: null };
  if (circuitOpenAt === null) return { state: 'closed', as_of: newestAt };
  const reopened = succeededAt === null || Date.parse(succeededAt) < Date.parse(circuitOpenAt);
  return { state: reopened ? 'open' : 'closed', as_of: newestAt };
}
