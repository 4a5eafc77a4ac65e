import type { DelayTierSpec } from '@hookstream/contracts';

/**
 * The tier a job waiting `remainingMs` more goes to: the longest tier that
 * does not overshoot, or the shortest when even that one would. A tier then
 * never holds a job past its due time by more than the job's own slack.
 */
export function tierFor<T extends DelayTierSpec>(tiers: readonly T[], remainingMs: number): T {
  const fitting = tiers.filter((t) => t.delayMs <= remainingMs);
  const pool = fitting.length > 0 ? fitting : tiers;
  const pick = fitting.length > 0 ? (a: T, b: T) => (b.delayMs > a.delayMs ? b : a) : (a: T, b: T) => (b.delayMs < a.delayMs ? b : a);
  return pool.reduce(pick);
}

export type TierDecision =
  /** Not yet: keep this message (and the partition behind it) until then. */
  | { kind: 'hold'; untilMs: number }
  /** Due: make the attempt now. */
  | { kind: 'due' }
  /** The tier's delay is over but the job is due later: next tier. */
  | { kind: 'reroute'; remainingMs: number };

/**
 * A message in a tier is released when the tier's delay since it was
 * enqueued is over, or at its own due time if that comes first (a job put in
 * the shortest tier with less than that tier's delay to wait). Released
 * before its due time, it moves on. Nothing is ever attempted before due.
 */
export function decideTierMessage(tier: DelayTierSpec, message: { enqueuedAtMs: number; dueAtMs: number }, nowMs: number): TierDecision {
  if (nowMs >= message.dueAtMs) return { kind: 'due' };
  const releaseAt = Math.min(message.enqueuedAtMs + tier.delayMs, message.dueAtMs);
  if (nowMs < releaseAt) return { kind: 'hold', untilMs: releaseAt };
  return { kind: 'reroute', remainingMs: message.dueAtMs - nowMs };
}
