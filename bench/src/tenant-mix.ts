/** Who sends an event of the noisy-tenant scenario: one of the quiet tenants, or the noisy one. */
export type Sender = { tenant: 'quiet'; quiet: number } | { tenant: 'noisy'; nth: number };

/** How many events of a stream each sender sent. */
export interface MixCounts {
  /** Per quiet tenant, by index. */
  quiet: number[];
  noisy: number;
}

/**
 * One event stream shared by `quietTenants` tenants sending at one rate and
 * one noisy tenant at `noisyFactor` times that rate (0: no noisy tenant).
 * Events go in rounds: in each, the noisy tenant sends `noisyFactor`, then
 * every quiet tenant one, so that at any steady pace each sender keeps its
 * share however short the window.
 */
export class TenantMix {
  /** Events per round: the stream's rate is the quiet tenants' rate times this. */
  readonly round: number;

  constructor(
    readonly quietTenants: number,
    readonly noisyFactor: number,
  ) {
    if (!Number.isInteger(quietTenants) || quietTenants < 1) throw new Error(`quietTenants: a positive integer, not ${quietTenants}`);
    if (!Number.isInteger(noisyFactor) || noisyFactor < 0) throw new Error(`noisyFactor: a whole number, not ${noisyFactor}`);
    this.round = quietTenants + noisyFactor;
  }

  /** The sender of the event with this sequence number; `nth` counts the noisy tenant's own events from 0. */
  senderOf(seq: number): Sender {
    const round = Math.floor(seq / this.round);
    const place = seq % this.round;
    return place < this.noisyFactor ? { tenant: 'noisy', nth: round * this.noisyFactor + place } : { tenant: 'quiet', quiet: place - this.noisyFactor };
  }

  /** What each sender sent among the first `count` events. */
  counts(count: number): MixCounts {
    const rounds = Math.floor(count / this.round);
    const rest = count % this.round;
    return {
      quiet: Array.from({ length: this.quietTenants }, (_, k) => rounds + (rest > this.noisyFactor + k ? 1 : 0)),
      noisy: rounds * this.noisyFactor + Math.min(rest, this.noisyFactor),
    };
  }
}
