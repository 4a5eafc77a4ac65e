/**
 * A tenant's allowance of events over HTTP: `perSecond` on average, up to
 * `burst` at once (INGEST_RATE_LIMIT_PER_SECOND, INGEST_RATE_LIMIT_BURST).
 */
export interface IngestRatePolicy {
  perSecond: number;
  burst: number;
}

/**
 * A token bucket: the tokens it held at `at` (ms on the limiter's clock).
 * Tokens go below zero when a batch larger than the burst is let in from a
 * full bucket: the debt is paid back at the rate, so a batch is never
 * refused for good and the average still holds.
 */
export interface TokenBucket {
  tokens: number;
  at: number;
}

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

/** The bucket's tokens at `now`: refilled at the rate, never past the burst. A clock that went back refills nothing. */
export function tokensAt(bucket: TokenBucket, now: number, policy: IngestRatePolicy): number {
  return Math.min(policy.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * policy.perSecond);
}

/**
 * Takes `cost` tokens (one per event) if the bucket holds them (a cost past
 * the burst needs a full bucket); no bucket is a full one. Refused: the
 * whole seconds until it would hold them, at least 1, for Retry-After.
 */
export function takeTokens(bucket: TokenBucket | undefined, cost: number, now: number, policy: IngestRatePolicy): { bucket: TokenBucket; admission: Admission } {
  const tokens = bucket ? tokensAt(bucket, now, policy) : policy.burst;
  const needed = Math.min(cost, policy.burst);
  if (tokens >= needed) return { bucket: { tokens: tokens - cost, at: now }, admission: { admitted: true } };
  const retryAfterSeconds = Math.max(1, Math.ceil((needed - tokens) / policy.perSecond));
  return { bucket: { tokens, at: now }, admission: { admitted: false, retryAfterSeconds } };
}

export interface IngestRateLimiterOptions {
  /** Milliseconds, monotonic; performance.now by default. */
  clock?: () => number;
  /** Buckets kept at most; past it the least recently used goes (its tenant starts again from a full bucket). */
  maxTenants?: number;
}

/** Enough for every tenant active within one refill of the burst; about 100 bytes each. */
export const DEFAULT_MAX_TRACKED_TENANTS = 100_000;

/**
 * One token bucket per tenant, in this process: with N gateway replicas a
 * tenant may send N times the rate. Memory stays bounded: a bucket that
 * has refilled is the same as none and is forgotten, and past maxTenants
 * the least recently used goes.
 */
export class IngestRateLimiter {
  /** In order of last use, oldest first (a Map keeps insertion order). */
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly clock: () => number;
  private readonly maxTenants: number;

  constructor(
    private readonly policy: IngestRatePolicy,
    options: IngestRateLimiterOptions = {},
  ) {
    this.clock = options.clock ?? (() => performance.now());
    this.maxTenants = options.maxTenants ?? DEFAULT_MAX_TRACKED_TENANTS;
  }

  admit(tenantId: string, cost: number): Admission {
    const now = this.clock();
    const { bucket, admission } = takeTokens(this.buckets.get(tenantId), cost, now, this.policy);
    this.buckets.delete(tenantId);
    this.buckets.set(tenantId, bucket);
    this.forget(now);
    return admission;
  }

  /** How many tenants have a bucket. */
  get tracked(): number {
    return this.buckets.size;
  }

  /** From the least recently used: the ones past maxTenants, then the refilled ones, up to the first still short. */
  private forget(now: number): void {
    for (const [tenantId, bucket] of this.buckets) {
      if (this.buckets.size <= this.maxTenants && tokensAt(bucket, now, this.policy) < this.policy.burst) return;
      this.buckets.delete(tenantId);
    }
  }
}
