/** Past this many tenants, return times already passed are forgotten (they no longer matter). */
const MAX_REMEMBERED_RETURNS = 1_000;

/**
 * Each tenant's part of the dispatcher's pending jobs (queued or attempting
 * in the foreground), held to `cap`: the consumer stops fetching when the
 * dispatcher is full, so a tenant whose jobs queued without bound would
 * hold back every other tenant's jobs behind it in the partitions. A job
 * over its tenant's cap is turned away (deferred, not attempted) and comes
 * back through the delay tiers: about `cap` of a tenant's turned-away jobs
 * a `spacingMs`, so a backlog of thousands returns in waves its share can
 * take rather than all at once, again and again.
 */
export class PendingShares {
  private readonly pending = new Map<string, number>();
  /** When the next job turned away is due back, by tenant. */
  private readonly nextReturnMs = new Map<string, number>();

  constructor(
    readonly cap: number,
    private readonly spacingMs: number,
  ) {}

  hasRoom(tenantId: string): boolean {
    return (this.pending.get(tenantId) ?? 0) < this.cap;
  }

  held(tenantId: string): number {
    return this.pending.get(tenantId) ?? 0;
  }

  entered(tenantId: string): void {
    this.pending.set(tenantId, (this.pending.get(tenantId) ?? 0) + 1);
  }

  left(tenantId: string): void {
    const left = (this.pending.get(tenantId) ?? 1) - 1;
    if (left > 0) this.pending.set(tenantId, left);
    else this.pending.delete(tenantId);
  }

  /** When a job of the tenant turned away now is due back: a spacing from now, or behind the ones already turned away. */
  returnAtMs(tenantId: string, nowMs: number): number {
    const atMs = Math.max(nowMs + this.spacingMs, this.nextReturnMs.get(tenantId) ?? 0);
    this.nextReturnMs.set(tenantId, atMs + this.spacingMs / this.cap);
    return Math.ceil(atMs);
  }

  forgetPastReturns(nowMs: number): void {
    if (this.nextReturnMs.size <= MAX_REMEMBERED_RETURNS) return;
    for (const [tenantId, atMs] of this.nextReturnMs) if (atMs < nowMs) this.nextReturnMs.delete(tenantId);
  }
}
