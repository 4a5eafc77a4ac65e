import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import { TenantOrigin, tenantOriginKey } from './tenant-origin';

export interface BreakerSettings {
  /** Attempts within the window before the error rate may open a breaker. */
  volumeThreshold: number;
  errorThresholdPercentage: number;
  /** Open -> half-open after this long; one probe then decides. */
  resetTimeoutMs: number;
  rollingWindowMs: number;
  rollingBuckets: number;
  /** At most this many breakers; the least recently used is shut down first. */
  maxBreakers: number;
  /** A breaker unused this long is shut down and forgotten. */
  idleEvictionMs: number;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

export type Guarded<T> = { shortCircuited: true } | { shortCircuited: false; value: T };

/** Carries a result the breaker must count as a failure (5xx, timeout…) through opossum. */
class CountedFailure<T> {
  constructor(readonly value: T) {}
}

interface Entry {
  at: TenantOrigin;
  breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  lastUsedMs: number;
}

/**
 * One opossum breaker per (tenant, origin): one tenant's failures open its
 * own breaker for a shared origin (a SaaS host many tenants post to), not
 * every tenant's. Bounded: an LRU of at most
 * maxBreakers, idle ones evicted and shut down (their timers stop). All of
 * them rotate their rolling-window buckets on one shared timer, and none
 * takes snapshots: thousands of endpoints cost no timers each.
 */
export class BreakerRegistry {
  private readonly entries = new Map<string, Entry>();
  private readonly rotation = new EventEmitter();
  private readonly rotationTimer: NodeJS.Timeout;
  private readonly sweepTimer: NodeJS.Timeout;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly onStateChange: (at: TenantOrigin, state: BreakerState) => void = () => undefined,
    /** Injected so tests move time with fake timers; opossum's own timers are the runtime's. */
    private readonly now: () => number = () => Date.now(),
  ) {
    this.rotation.setMaxListeners(0);
    this.rotationTimer = setInterval(() => this.rotation.emit('rotate'), Math.max(1, Math.floor(settings.rollingWindowMs / settings.rollingBuckets)));
    this.rotationTimer.unref();
    this.sweepTimer = setInterval(() => this.evictIdle(), Math.max(1_000, Math.min(settings.idleEvictionMs, 60_000)));
    this.sweepTimer.unref();
  }

  /**
   * Runs `action` through the tenant's breaker for the origin. `isFailure` says which
   * results count against it. While it is open (or half-open with its one
   * probe in flight) the action does not run: short-circuited.
   */
  async run<T>(at: TenantOrigin, action: () => Promise<T>, isFailure: (value: T) => boolean): Promise<Guarded<T>> {
    const breaker = this.breakerFor(at);
    try {
      const value = (await breaker.fire(async () => {
        const result = await action();
        if (isFailure(result)) throw new CountedFailure(result);
        return result;
      })) as T;
      return { shortCircuited: false, value };
    } catch (err) {
      if (err instanceof CountedFailure) return { shortCircuited: false, value: err.value as T };
      if ((err as { code?: string }).code === 'EOPENBREAKER') return { shortCircuited: true };
      throw err;
    }
  }

  state(at: TenantOrigin): BreakerState {
    const breaker = this.entries.get(tenantOriginKey(at))?.breaker;
    if (!breaker || breaker.closed) return 'closed';
    return breaker.halfOpen ? 'half_open' : 'open';
  }

  get size(): number {
    return this.entries.size;
  }

  /** (Tenant, origin) pairs with a breaker, least recently used first. */
  keys(): TenantOrigin[] {
    return [...this.entries.values()].map((e) => e.at);
  }

  /** Breakers not closed now. */
  notClosed(): TenantOrigin[] {
    return [...this.entries.values()].filter((e) => !e.breaker.closed).map((e) => e.at);
  }

  shutdown(): void {
    clearInterval(this.rotationTimer);
    clearInterval(this.sweepTimer);
    for (const key of [...this.entries.keys()]) this.evict(key);
  }

  private breakerFor(at: TenantOrigin): Entry['breaker'] {
    const now = this.now();
    const key = tenantOriginKey(at);
    const existing = this.entries.get(key);
    if (existing) {
      existing.lastUsedMs = now;
      // Re-insert: Map order is recency order, oldest first.
      this.entries.delete(key);
      this.entries.set(key, existing);
      return existing.breaker;
    }
    const breaker = new CircuitBreaker((attempt: () => Promise<unknown>) => attempt(), {
      name: key,
      timeout: false,
      volumeThreshold: this.settings.volumeThreshold,
      errorThresholdPercentage: this.settings.errorThresholdPercentage,
      resetTimeout: this.settings.resetTimeoutMs,
      rollingCountTimeout: this.settings.rollingWindowMs,
      rollingCountBuckets: this.settings.rollingBuckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      rotateBucketController: this.rotation,
    });
    const copy = { tenantId: at.tenantId, origin: at.origin };
    breaker.on('open', () => this.onStateChange(copy, 'open'));
    breaker.on('halfOpen', () => this.onStateChange(copy, 'half_open'));
    breaker.on('close', () => this.onStateChange(copy, 'closed'));
    this.entries.set(key, { at: copy, breaker, lastUsedMs: now });
    while (this.entries.size > this.settings.maxBreakers) this.evict(this.entries.keys().next().value as string);
    return breaker;
  }

  private evictIdle(): void {
    const cutoff = this.now() - this.settings.idleEvictionMs;
    for (const [key, entry] of this.entries) {
      if (entry.lastUsedMs >= cutoff) break;
      this.evict(key);
    }
  }

  private evict(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.breaker.shutdown();
  }
}
