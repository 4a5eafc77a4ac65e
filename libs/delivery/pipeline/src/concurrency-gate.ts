export class GateCancelledError extends Error {
  override readonly name = 'GateCancelledError';
}

/** A slot held by one attempt. */
export interface Lease {
  /** Gives the slot back (the attempt ended); a second call does nothing. */
  release(): void;
  /**
   * The attempt goes on in the background (its batch stopped waiting): it
   * keeps its endpoint's slot but gives its share of the total back, so
   * slow endpoints cannot starve the rest. False when the background is
   * full: then it keeps both.
   */
  detach(): boolean;
}

interface Waiter {
  key: string;
  grant: (lease: Lease) => void;
  reject: (err: Error) => void;
}

/**
 * Bounds attempts in flight: at most `total` in the foreground, at most
 * `perKey` for one endpoint, and at most `background` detached ones. A slow
 * endpoint holds at most its own `perKey` slots. Endpoints with waiters
 * and room are served in turn (round robin), each endpoint's waiters first
 * come, first served; a waiter can be cancelled. Every step is O(1) but the
 * cancellation of a waiter (O(waiters of its endpoint)).
 */
export class ConcurrencyGate {
  private active = 0;
  private detached = 0;
  private readonly perKeyActive = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter[]>();
  private waitingCount = 0;
  /** Endpoints with waiters and a free slot of their own, in turn order. */
  private readonly ready = new Set<string>();

  constructor(
    private readonly total: number,
    private readonly perKey: number,
    private readonly background: number = total * 4,
  ) {}

  acquire(key: string, signal?: AbortSignal): Promise<Lease> {
    if (signal?.aborted) return Promise.reject(new GateCancelledError('cancelled before a slot was free'));
    if (this.active < this.total && this.keyHasRoom(key) && !this.waiters.has(key)) return Promise.resolve(this.take(key));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { key, grant: resolve, reject };
      const queue = this.waiters.get(key);
      if (queue) queue.push(waiter);
      else this.waiters.set(key, [waiter]);
      this.waitingCount++;
      if (this.keyHasRoom(key)) this.ready.add(key);
      signal?.addEventListener('abort', () => this.cancel(waiter), { once: true });
    });
  }

  inFlight(key?: string): number {
    return key === undefined ? this.active + this.detached : (this.perKeyActive.get(key) ?? 0);
  }

  get waiting(): number {
    return this.waitingCount;
  }

  get inBackground(): number {
    return this.detached;
  }

  private keyHasRoom(key: string): boolean {
    return (this.perKeyActive.get(key) ?? 0) < this.perKey;
  }

  private take(key: string): Lease {
    this.active++;
    this.perKeyActive.set(key, (this.perKeyActive.get(key) ?? 0) + 1);
    let state: 'foreground' | 'background' | 'released' = 'foreground';
    return {
      release: () => {
        if (state === 'released') return;
        if (state === 'foreground') this.active--;
        else this.detached--;
        state = 'released';
        const left = (this.perKeyActive.get(key) ?? 1) - 1;
        if (left === 0) this.perKeyActive.delete(key);
        else this.perKeyActive.set(key, left);
        if (this.waiters.has(key)) this.ready.add(key);
        this.admit();
      },
      detach: () => {
        if (state !== 'foreground') return state === 'background';
        if (this.detached >= this.background) return false;
        state = 'background';
        this.active--;
        this.detached++;
        this.admit();
        return true;
      },
    };
  }

  private admit(): void {
    while (this.active < this.total && this.ready.size > 0) {
      const key = this.ready.values().next().value as string;
      this.ready.delete(key);
      const queue = this.waiters.get(key);
      const waiter = queue?.shift();
      if (!queue || !waiter) continue;
      if (queue.length === 0) this.waiters.delete(key);
      this.waitingCount--;
      waiter.grant(this.take(key));
      // Back of the line, if it still has waiters and room.
      if (this.waiters.has(key) && this.keyHasRoom(key)) this.ready.add(key);
    }
  }

  private cancel(waiter: Waiter): void {
    const queue = this.waiters.get(waiter.key);
    const index = queue?.indexOf(waiter) ?? -1;
    if (!queue || index < 0) return;
    queue.splice(index, 1);
    this.waitingCount--;
    if (queue.length === 0) {
      this.waiters.delete(waiter.key);
      this.ready.delete(waiter.key);
    }
    waiter.reject(new GateCancelledError('cancelled while waiting for a slot'));
  }
}
