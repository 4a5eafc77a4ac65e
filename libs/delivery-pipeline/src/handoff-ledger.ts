export type HandoffState = 'in_flight' | 'settled';

/**
 * Attempts that ran past their patience (see DeliveryDispatcher), handed to a
 * delay tier as a safety copy while they run on in this process. When the
 * copy comes due, the ledger says whether the attempt already settled here
 * (drop the copy), is still running (wait), or is unknown: this process
 * restarted or another instance owns the tier now, so the copy is attempted.
 */
export class HandoffLedger {
  private readonly entries = new Map<string, { state: HandoffState; expiresAtMs: number }>();

  constructor(private readonly retentionMs: number) {}

  static key(invocationId: string, attempt: number): string {
    return `${invocationId}#${attempt}`;
  }

  inFlight(key: string): void {
    this.set(key, 'in_flight');
  }

  settled(key: string): void {
    this.set(key, 'settled');
  }

  /** The attempt failed to publish its outcome: let the copy redo it. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  state(key: string): HandoffState | undefined {
    return this.entries.get(key)?.state;
  }

  get size(): number {
    return this.entries.size;
  }

  private set(key: string, state: HandoffState): void {
    const now = Date.now();
    this.entries.delete(key);
    this.entries.set(key, { state, expiresAtMs: now + this.retentionMs });
    // Insertion order is expiry order: drop the expired head.
    for (const [k, entry] of this.entries) {
      if (entry.expiresAtMs > now) break;
      this.entries.delete(k);
    }
  }
}
