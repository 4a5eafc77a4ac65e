/**
 * Backpressure between a consumer and the dispatcher: at most `max` jobs
 * queued or attempting. `whenRoom` resolves at once below that, else once
 * `freed` finds room again, so the consumer stops fetching while the
 * dispatcher is full instead of buffering without bound.
 */
export class PendingRoom {
  private readonly waiters: (() => void)[] = [];

  constructor(
    private readonly max: number,
    /** Jobs held now (queued or attempting). */
    private readonly held: () => number,
  ) {}

  whenRoom(): Promise<void> {
    if (this.held() < this.max) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** A job left: wakes the waiters while there is room. */
  freed(): void {
    while (this.held() < this.max && this.waiters.length > 0) this.waiters.shift()?.();
  }
}
