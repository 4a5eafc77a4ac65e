/** Past this many tenants, return times already passed are forgotten (they no longer matter). */
const MAX_REMEMBERED_RETURNS = 1_000;

export interface TenantShareLimits {
  /** The most of the dispatcher's pending jobs (queued or attempting in the foreground) one tenant may hold. */
  pending: number;
  /** One tenant's share of the foreground slots (the gate holds it to that). */
  foreground: number;
  /** How long a job turned away waits at least; about `pending` of one tenant's jobs come back in each such spell. */
  spacingMs: number;
  /** A tenant shares only with tenants whose jobs came this recently: alone, it may use every slot. */
  contentionWindowMs: number;
}

/**
 * What the dispatcher knows of each tenant's share: how many of its pending
 * jobs it holds, and how many of its foreground slots are held by hung
 * attempts (handed off, but kept in the foreground because the background
 * was full). A job is turned away (deferred, not attempted) while its
 * tenant holds its share of the pending jobs, since the consumer stops
 * fetching when the dispatcher is full, and one tenant's queue would hold
 * back every other tenant's jobs behind it in the partitions; or while hung
 * attempts hold all its foreground slots, since a job queued behind them
 * would wait until their deadline, and keep its batch (a delay tier's
 * partition, for all tenants) uncommitted that long. Turned-away jobs come
 * back through the delay tiers in waves: about `pending` of a tenant's a
 * `spacingMs`, not its whole backlog again and again. Shares apply only
 * while another tenant's jobs came within `contentionWindowMs` (hung
 * attempts excepted): a tenant alone may use every slot.
 */
export class TenantShares {
  private readonly pending = new Map<string, number>();
  private readonly hung = new Map<string, number>();
  /** When the next job turned away is due back, by tenant. */
  private readonly nextReturnMs = new Map<string, number>();

  /** The tenant whose job came last, and the last one before it that was another tenant's (when). */
  private latest: { tenantId: string; atMs: number } | undefined;
  private latestOther: { tenantId: string; atMs: number } | undefined;

  constructor(readonly limits: TenantShareLimits) {}

  /**
   * The tenant may queue another job: not every foreground slot of its
   * hangs, and it holds less than its share of the pending jobs or its
   * attempts do not fill its foreground slots. Past its pending share a
   * tenant whose attempts drain (one busy origin, fast receivers) holds no
   * one back for long, so its jobs are not sent round the delay tiers; only
   * one whose every slot is taken is turned away.
   */
  hasRoom(tenantId: string, foregroundHeld: number, nowMs: number): boolean {
    this.seen(tenantId, nowMs);
    if (this.stalled(tenantId)) return false;
    // Work-conserving: a tenant no one else is waiting beside is not turned away for its share (a bulk fan-out would crawl through the delay tiers).
    if (!this.contended(tenantId, nowMs)) return true;
    return count(this.pending, tenantId) < this.limits.pending || foregroundHeld < this.limits.foreground;
  }

  /** Whether another tenant's job came within the contention window. */
  contended(tenantId: string, nowMs: number): boolean {
    const other = this.latest?.tenantId === tenantId ? this.latestOther : this.latest;
    return other !== undefined && nowMs - other.atMs <= this.limits.contentionWindowMs;
  }

  /** O(1) per job: the latest two distinct tenants are enough to know whether any other tenant came lately. */
  private seen(tenantId: string, nowMs: number): void {
    if (this.latest?.tenantId !== tenantId) this.latestOther = this.latest;
    this.latest = { tenantId, atMs: nowMs };
  }

  /** Hung attempts hold every foreground slot of the tenant's: what it queued waits until their deadline. */
  stalled(tenantId: string): boolean {
    return count(this.hung, tenantId) >= this.limits.foreground;
  }

  held(tenantId: string): number {
    return count(this.pending, tenantId);
  }

  entered(tenantId: string): void {
    add(this.pending, tenantId, 1);
  }

  left(tenantId: string): void {
    add(this.pending, tenantId, -1);
  }

  hungStarted(tenantId: string): void {
    add(this.hung, tenantId, 1);
  }

  hungEnded(tenantId: string): void {
    add(this.hung, tenantId, -1);
  }

  /** When a job of the tenant turned away now is due back: a spacing from now, or behind the ones already turned away. */
  returnAtMs(tenantId: string, nowMs: number): number {
    const atMs = Math.max(nowMs + this.limits.spacingMs, this.nextReturnMs.get(tenantId) ?? 0);
    this.nextReturnMs.set(tenantId, atMs + this.limits.spacingMs / this.limits.pending);
    return Math.ceil(atMs);
  }

  forgetPastReturns(nowMs: number): void {
    if (this.nextReturnMs.size <= MAX_REMEMBERED_RETURNS) return;
    for (const [tenantId, atMs] of this.nextReturnMs) if (atMs < nowMs) this.nextReturnMs.delete(tenantId);
  }
}

function count(counts: Map<string, number>, tenantId: string): number {
  return counts.get(tenantId) ?? 0;
}

function add(counts: Map<string, number>, tenantId: string, delta: number): void {
  const next = count(counts, tenantId) + delta;
  if (next > 0) counts.set(tenantId, next);
  else counts.delete(tenantId);
}
