/** Tokens (events) left at a time (ms). */
export interface PaceState {
  tokens: number;
  at: number;
}

export interface Pace {
  /** Events a gateway publishes for reflows per second, all reflows together (REFLOW_EVENTS_PER_SECOND). */
  perSecond: number;
  /** Events that may go at once after a quiet while. */
  burst: number;
}

/**
 * Reserves `events` at `now` from a token bucket refilled at `perSecond` up
 * to `burst`. A page larger than the tokens left is not split: the bucket
 * goes into debt and the caller waits until the debt is paid, so every
 * reservation is taken at once and callers in turn queue behind it.
 */
export function reserve(state: PaceState, now: number, events: number, pace: Pace): { state: PaceState; waitMs: number } {
  const refilled = Math.min(pace.burst, state.tokens + (Math.max(0, now - state.at) * pace.perSecond) / 1000);
  const tokens = refilled - events;
  return { state: { tokens, at: Math.max(now, state.at) }, waitMs: tokens < 0 ? Math.ceil((-tokens * 1000) / pace.perSecond) : 0 };
}

/** One bucket for every reflow a gateway runs, so running more of them never publishes faster. */
export class ReflowPacer {
  private state: PaceState;

  constructor(
    private readonly pace: Pace,
    private readonly now: () => number,
  ) {
    this.state = { tokens: pace.burst, at: now() };
  }

  /** How long to wait before publishing `events`. */
  reserve(events: number): number {
    const next = reserve(this.state, this.now(), events, this.pace);
    this.state = next.state;
    return next.waitMs;
  }
}
