/** An attempt handed off because it ran past the patience, still running. */
export interface SlowAttempt {
  startedAtMs: number;
  deadlineMs: number;
}

/**
 * When to try an endpoint again, or undefined if it is not stuck. It is
 * stuck while slow attempts run there and none of its attempts has ended for
 * a patience (a busy endpoint on a busy machine keeps its queue rather than
 * have it deferred wholesale for one straggler); then its jobs wait about as
 * long as its oldest slow attempt has run so far, at most until that
 * attempt's deadline: a briefly slow endpoint is tried again soon, a dead one
 * backs off.
 */
export function stuckUntil(running: readonly SlowAttempt[], lastAnswerMs: number | undefined, nowMs: number, patienceMs: number): number | undefined {
  if (running.length === 0) return undefined;
  if (nowMs - (lastAnswerMs ?? 0) < patienceMs) return undefined;
  return Math.min(...running.map((a) => Math.min(a.deadlineMs, nowMs + (nowMs - a.startedAtMs))));
}

/** Past this many endpoints, last answers older than a patience are forgotten (they no longer matter). */
const MAX_REMEMBERED_ANSWERS = 1_000;

/**
 * What the dispatcher knows of each endpoint's health: its slow attempts, and
 * when one of its attempts last ended. An endpoint here is one tenant's view
 * of an origin (tenantOriginKey): one tenant's hung attempts at a shared
 * origin make it stuck for that tenant only.
 */
export class EndpointHealth {
  private readonly slow = new Map<string, SlowAttempt[]>();
  private readonly lastAnswerMs = new Map<string, number>();

  constructor(private readonly patienceMs: number) {}

  answered(endpoint: string, nowMs: number): void {
    this.lastAnswerMs.set(endpoint, nowMs);
  }

  slowStarted(endpoint: string, attempt: SlowAttempt): void {
    this.slow.set(endpoint, [...(this.slow.get(endpoint) ?? []), attempt]);
  }

  slowEnded(endpoint: string, attempt: SlowAttempt): void {
    const left = (this.slow.get(endpoint) ?? []).filter((a) => a !== attempt);
    if (left.length > 0) this.slow.set(endpoint, left);
    else this.slow.delete(endpoint);
  }

  stuckUntil(endpoint: string, nowMs: number): number | undefined {
    return stuckUntil(this.slow.get(endpoint) ?? [], this.lastAnswerMs.get(endpoint), nowMs, this.patienceMs);
  }

  forgetOldAnswers(nowMs: number): void {
    if (this.lastAnswerMs.size <= MAX_REMEMBERED_ANSWERS) return;
    for (const [endpoint, atMs] of this.lastAnswerMs) if (nowMs - atMs > this.patienceMs) this.lastAnswerMs.delete(endpoint);
  }
}
