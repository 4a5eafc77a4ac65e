import { IngestRateLimiter, IngestRatePolicy, takeTokens } from './ingest-rate-limit';

/** A clock the test moves by hand, in ms. */
function manualClock(): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}

/** How many of `count` requests of `cost` events one tenant gets in, at the clock's current time. */
function admittedOf(limiter: IngestRateLimiter, tenantId: string, count: number, cost = 1): number {
  let admitted = 0;
  for (let i = 0; i < count; i++) if (limiter.admit(tenantId, cost).admitted) admitted++;
  return admitted;
}

describe('ingest rate limit: a token bucket per tenant', () => {
  const policy: IngestRatePolicy = { perSecond: 10, burst: 20 };

  it('lets the burst in at once, then refuses with the seconds until one more fits', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter(policy, { clock: clock.now });
    expect(admittedOf(limiter, 'ten_a', 25)).toBe(20);
    expect(limiter.admit('ten_a', 1)).toEqual({ admitted: false, retryAfterSeconds: 1 });
  });

  it('refills at the rate: a second lets exactly `perSecond` more in, never more than the burst', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter(policy, { clock: clock.now });
    expect(admittedOf(limiter, 'ten_a', 20)).toBe(20);
    clock.advance(1_000);
    expect(admittedOf(limiter, 'ten_a', 15)).toBe(10);
    clock.advance(100);
    expect(admittedOf(limiter, 'ten_a', 5)).toBe(1);
    // Idle for an hour: still only the burst.
    clock.advance(3_600_000);
    expect(admittedOf(limiter, 'ten_a', 50)).toBe(20);
  });

  it('charges a batch its number of events, and says how long until the batch fits', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter(policy, { clock: clock.now });
    expect(limiter.admit('ten_a', 15).admitted).toBe(true);
    // 5 left, 12 asked: 7 short at 10/s is 0.7 s, told as 1.
    expect(limiter.admit('ten_a', 12)).toEqual({ admitted: false, retryAfterSeconds: 1 });
    expect(limiter.admit('ten_a', 5).admitted).toBe(true);
    expect(limiter.admit('ten_a', 20)).toEqual({ admitted: false, retryAfterSeconds: 2 });
    clock.advance(2_000);
    expect(limiter.admit('ten_a', 20).admitted).toBe(true);
  });

  it('lets a batch larger than the burst in from a full bucket, and the debt holds the average', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter(policy, { clock: clock.now });
    expect(limiter.admit('ten_a', 50).admitted).toBe(true);
    // 30 in debt: one more event waits 3.1 s, told as 4.
    expect(limiter.admit('ten_a', 1)).toEqual({ admitted: false, retryAfterSeconds: 4 });
    clock.advance(3_000);
    expect(limiter.admit('ten_a', 1).admitted).toBe(false);
    clock.advance(1_000);
    expect(limiter.admit('ten_a', 1).admitted).toBe(true);
    // 9 left; the next large batch waits for a full bucket again: 11 short, 1.1 s.
    expect(limiter.admit('ten_a', 50)).toEqual({ admitted: false, retryAfterSeconds: 2 });
  });

  it('after waiting the Retry-After it answered, the same request gets in', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter({ perSecond: 0.25, burst: 3 }, { clock: clock.now });
    expect(admittedOf(limiter, 'ten_a', 3)).toBe(3);
    const refused = limiter.admit('ten_a', 2);
    expect(refused).toEqual({ admitted: false, retryAfterSeconds: 8 });
    clock.advance(7_999);
    expect(limiter.admit('ten_a', 2).admitted).toBe(false);
    clock.advance(1);
    expect(limiter.admit('ten_a', 2).admitted).toBe(true);
  });

  it('holds each tenant to its own bucket: one over its rate leaves another its whole burst', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter(policy, { clock: clock.now });
    expect(admittedOf(limiter, 'ten_noisy', 1_000)).toBe(20);
    expect(admittedOf(limiter, 'ten_quiet', 20)).toBe(20);
    expect(limiter.admit('ten_quiet', 1).admitted).toBe(false);
  });

  it('a clock that steps back refills nothing', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter(policy, { clock: clock.now });
    expect(admittedOf(limiter, 'ten_a', 20)).toBe(20);
    clock.advance(-60_000);
    expect(limiter.admit('ten_a', 1).admitted).toBe(false);
    expect(takeTokens({ tokens: 0, at: 5_000 }, 1, 4_000, policy).admission.admitted).toBe(false);
  });

  it('forgets the buckets that refilled, so idle tenants take no memory', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter(policy, { clock: clock.now });
    for (let i = 0; i < 1_000; i++) limiter.admit(`ten_${i}`, 1);
    expect(limiter.tracked).toBe(1_000);
    // One event's worth refills in 100 ms: every bucket is full again.
    clock.advance(100);
    limiter.admit('ten_new', 1);
    expect(limiter.tracked).toBe(1);
  });

  it('keeps at most maxTenants buckets, dropping the least recently used', () => {
    const clock = manualClock();
    const limiter = new IngestRateLimiter(policy, { clock: clock.now, maxTenants: 10 });
    expect(admittedOf(limiter, 'ten_first', 20)).toBe(20);
    for (let i = 0; i < 50; i++) limiter.admit(`ten_${i}`, 1);
    expect(limiter.tracked).toBe(10);
    // Dropped, so it starts again from a full bucket: the price of the bound.
    expect(admittedOf(limiter, 'ten_first', 25)).toBe(20);
  });
});
