export class GateCancelledError extends Error {
  override readonly name = 'GateCancelledError';
}

interface Waiter {
  key: string;
  grant: (release: () => void) => void;
  reject: (err: Error) => void;
}

/**
 * Bounds attempts in flight: at most `total` at once, and at most `perKey`
 * for one endpoint, so a slow endpoint can hold a few slots but never all of
 * them. Waiters are served first come, first served among those whose
 * endpoint has room; a waiter can be cancelled.
 */
export class ConcurrencyGate {
  private active = 0;
  private readonly perKeyActive = new Map<string, number>();
  private readonly waiters: Waiter[] = [];

  constructor(
    private readonly total: number,
    private readonly perKey: number,
  ) {}

  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(new GateCancelledError('cancelled before a slot was free'));
    if (this.hasRoom(key)) return Promise.resolve(this.take(key));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { key, grant: resolve, reject };
      this.waiters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const index = this.waiters.indexOf(waiter);
          if (index < 0) return;
          this.waiters.splice(index, 1);
          reject(new GateCancelledError('cancelled while waiting for a slot'));
        },
        { once: true },
      );
    });
  }

  inFlight(key?: string): number {
    return key === undefined ? this.active : (this.perKeyActive.get(key) ?? 0);
  }

  get waiting(): number {
    return this.waiters.length;
  }

  private hasRoom(key: string): boolean {
    return this.active < this.total && (this.perKeyActive.get(key) ?? 0) < this.perKey;
  }

  private take(key: string): () => void {
    this.active++;
    this.perKeyActive.set(key, (this.perKeyActive.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.active--;
      const left = (this.perKeyActive.get(key) ?? 1) - 1;
      if (left === 0) this.perKeyActive.delete(key);
      else this.perKeyActive.set(key, left);
      this.admit();
    };
  }

  private admit(): void {
    for (let i = 0; i < this.waiters.length && this.active < this.total; ) {
      const waiter = this.waiters[i];
      if (this.hasRoom(waiter.key)) {
        this.waiters.splice(i, 1);
        waiter.grant(this.take(waiter.key));
      } else {
        i++;
      }
    }
  }
}
