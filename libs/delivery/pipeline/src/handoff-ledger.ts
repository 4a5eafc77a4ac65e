import { settledHandoffKey } from '@hookstream/contracts';
import { Clock, systemClock } from './clock';

export type HandoffState = 'in_flight' | 'settled';

/**
 * Attempts that ran past their patience (see DeliveryDispatcher), handed to a
 * delay tier as a safety copy while they run on in the process that started
 * them. When the copy comes due, the ledger says whether the attempt already
 * settled (drop the copy), is still running here (wait), or is unknown: it
 * never settled (its process died), so the copy is attempted. That an
 * attempt settled is also published (Topics.deliveryHandoffs) and read back
 * by every instance (SettledHandoffsReader), so it survives a restart and
 * reaches whichever instance owns the copy's tier partition; until that
 * reader has caught up, unknown is not yet an answer (`caughtUp`).
 */
export class HandoffLedger {
  private readonly entries = new Map<string, { state: HandoffState; expiresAtMs: number }>();
  private readUpToDate = false;

  constructor(
    private readonly retentionMs: number,
    private readonly clock: Clock = systemClock,
  ) {}

  static key(invocationId: string, attempt: number): string {
    return settledHandoffKey(invocationId, attempt);
  }

  /** How long what the ledger knows matters: past it, no safety copy can still be waiting. */
  get retention(): number {
    return this.retentionMs;
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

  /** Every settlement published before this instance started has been read. */
  get caughtUp(): boolean {
    return this.readUpToDate;
  }

  markCaughtUp(): void {
    this.readUpToDate = true;
  }

  get size(): number {
    return this.entries.size;
  }

  private set(key: string, state: HandoffState): void {
    const now = this.clock.now();
    this.entries.delete(key);
    this.entries.set(key, { state, expiresAtMs: now + this.retentionMs });
    // Insertion order is expiry order: drop the expired head.
    for (const [k, entry] of this.entries) {
      if (entry.expiresAtMs > now) break;
      this.entries.delete(k);
    }
  }
}
