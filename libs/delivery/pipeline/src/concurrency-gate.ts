import { type TenantOrigin, tenantOriginKey } from '@hookstream/delivery-http';

export class GateCancelledError extends Error {
  override readonly name = 'GateCancelledError';
}

/** A slot held by one attempt. */
export interface Lease {
  /** Gives the slot back (the attempt ended); a second call does nothing. */
  release(): void;
  /**
   * The attempt goes on in the background (its batch stopped waiting): it
   * keeps its origin's slot but gives its share of the total back, so
   * slow endpoints cannot starve the rest. False when the background is
   * full, in all or for its tenant: then it keeps both.
   */
  detach(): boolean;
}

export interface GateLimits {
  /** Attempts in the foreground at once, in all. */
  total: number;
  /** Attempts to one origin at once, foreground and background: what its receiver sees (and its keep-alive pool). */
  perOrigin: number;
  /** Detached (handed-off) attempts at once, in all; `total` × 4 unless given. */
  background?: number;
  /** The part of `total`, and of `background`, one tenant may hold (0 < share ≤ 1); 1 unless given. */
  tenantShare?: number;
}

/** One tenant's part of `slots` at `share`: at least one slot. */
export function shareOf(slots: number, share: number): number {
  return Math.max(1, Math.ceil(slots * share));
}

interface Waiter {
  lane: Lane;
  grant: (lease: Lease) => void;
  reject: (err: Error) => void;
}

/** One tenant's waiters for one origin, first come, first served. */
interface Lane {
  key: string;
  origin: string;
  tenant: TenantSlots;
  waiters: Waiter[];
  /** Waiting in `parked` for its origin to have room. */
  parked: boolean;
}

interface TenantSlots {
  id: string;
  foreground: number;
  background: number;
  /** Its lanes with waiters. */
  lanes: Map<string, Lane>;
  /** Those of its lanes whose origin had room when last looked at, in turn order. */
  ready: Set<Lane>;
}

/**
 * Bounds attempts in flight: at most `total` in the foreground, at most
 * `perOrigin` to one origin (foreground and background), at most
 * `background` detached, and for one tenant at most its share of the
 * foreground and of the background. A slow origin holds at most its own
 * slots; a tenant with thousands of hanging origins, at most its share.
 *
 * Waiters queue per (tenant, origin), each such lane first come, first
 * served. Tenants with waiters and room are served in turn (round robin),
 * and within a tenant its lanes in turn, so a tenant with many origins gets
 * no more turns than one with a single origin. Every step is O(1) amortized
 * but waking an origin's parked lanes (O(tenants waiting for it)) and the
 * cancellation of a waiter (O(waiters of its lane)).
 */
export class ConcurrencyGate {
  private active = 0;
  private detached = 0;
  private waitingCount = 0;
  private readonly total: number;
  private readonly perOrigin: number;
  private readonly background: number;
  private readonly tenantForeground: number;
  private readonly tenantBackground: number;
  private readonly originActive = new Map<string, number>();
  private readonly tenants = new Map<string, TenantSlots>();
  /** Tenants with a ready lane and room of their own, in turn order. */
  private readonly readyTenants = new Set<TenantSlots>();
  /** Lanes whose origin was full, by origin: woken when one of its slots frees. */
  private readonly parked = new Map<string, Set<Lane>>();

  constructor(limits: GateLimits) {
    const share = limits.tenantShare ?? 1;
    if (!(share > 0 && share <= 1)) throw new RangeError(`tenantShare ${share} is not in (0, 1]`);
    this.total = limits.total;
    this.perOrigin = limits.perOrigin;
    this.background = limits.background ?? limits.total * 4;
    this.tenantForeground = shareOf(this.total, share);
    this.tenantBackground = shareOf(this.background, share);
  }

  acquire(at: TenantOrigin, signal?: AbortSignal): Promise<Lease> {
    if (signal?.aborted) return Promise.reject(new GateCancelledError('cancelled before a slot was free'));
    const tenant = this.tenantOf(at.tenantId);
    const key = tenantOriginKey(at);
    const queued = tenant.lanes.get(key);
    if (!queued && this.active < this.total && this.originHasRoom(at.origin) && this.tenantHasRoom(tenant)) return Promise.resolve(this.take(tenant, at.origin));
    return new Promise((resolve, reject) => {
      let lane = queued;
      if (!lane) {
        lane = { key, origin: at.origin, tenant, waiters: [], parked: false };
        tenant.lanes.set(key, lane);
        this.place(lane);
      }
      const waiter: Waiter = { lane, grant: resolve, reject };
      lane.waiters.push(waiter);
      this.waitingCount++;
      signal?.addEventListener('abort', () => this.cancel(waiter), { once: true });
    });
  }

  /** Attempts in flight, foreground and background: in all, or to one origin. */
  inFlight(origin?: string): number {
    return origin === undefined ? this.active + this.detached : (this.originActive.get(origin) ?? 0);
  }

  /** What one tenant holds now. */
  heldBy(tenantId: string): { foreground: number; background: number } {
    const tenant = this.tenants.get(tenantId);
    return { foreground: tenant?.foreground ?? 0, background: tenant?.background ?? 0 };
  }

  /** The most one tenant may hold: its share of the foreground and of the background. */
  get tenantLimits(): { foreground: number; background: number } {
    return { foreground: this.tenantForeground, background: this.tenantBackground };
  }

  get waiting(): number {
    return this.waitingCount;
  }

  get inBackground(): number {
    return this.detached;
  }

  private tenantOf(id: string): TenantSlots {
    let tenant = this.tenants.get(id);
    if (!tenant) this.tenants.set(id, (tenant = { id, foreground: 0, background: 0, lanes: new Map(), ready: new Set() }));
    return tenant;
  }

  private originHasRoom(origin: string): boolean {
    return (this.originActive.get(origin) ?? 0) < this.perOrigin;
  }

  private tenantHasRoom(tenant: TenantSlots): boolean {
    return tenant.foreground < this.tenantForeground;
  }

  /** A lane with waiters goes to the back of its tenant's turn, or waits for its origin. */
  private place(lane: Lane): void {
    if (!this.originHasRoom(lane.origin)) {
      lane.parked = true;
      const parked = this.parked.get(lane.origin);
      if (parked) parked.add(lane);
      else this.parked.set(lane.origin, new Set([lane]));
      return;
    }
    lane.tenant.ready.add(lane);
    if (this.tenantHasRoom(lane.tenant)) this.readyTenants.add(lane.tenant);
  }

  private take(tenant: TenantSlots, origin: string): Lease {
    this.active++;
    tenant.foreground++;
    this.originActive.set(origin, (this.originActive.get(origin) ?? 0) + 1);
    let state: 'foreground' | 'background' | 'released' = 'foreground';
    return {
      release: () => {
        if (state === 'released') return;
        if (state === 'foreground') {
          this.active--;
          tenant.foreground--;
        } else {
          this.detached--;
          tenant.background--;
        }
        const wasForeground = state === 'foreground';
        state = 'released';
        const left = (this.originActive.get(origin) ?? 1) - 1;
        if (left === 0) this.originActive.delete(origin);
        else this.originActive.set(origin, left);
        this.wakeParked(origin);
        if (wasForeground) this.tenantRoomFreed(tenant);
        this.forgetIfIdle(tenant);
        this.admit();
      },
      detach: () => {
        if (state !== 'foreground') return state === 'background';
        if (this.detached >= this.background || tenant.background >= this.tenantBackground) return false;
        state = 'background';
        this.active--;
        this.detached++;
        tenant.foreground--;
        tenant.background++;
        this.tenantRoomFreed(tenant);
        this.admit();
        return true;
      },
    };
  }

  private tenantRoomFreed(tenant: TenantSlots): void {
    if (tenant.ready.size > 0 && this.tenantHasRoom(tenant)) this.readyTenants.add(tenant);
  }

  private wakeParked(origin: string): void {
    const parked = this.parked.get(origin);
    if (!parked) return;
    this.parked.delete(origin);
    for (const lane of parked) {
      lane.parked = false;
      this.place(lane);
    }
  }

  private admit(): void {
    while (this.active < this.total && this.readyTenants.size > 0) {
      const tenant = this.readyTenants.values().next().value as TenantSlots;
      this.readyTenants.delete(tenant);
      // Full since it was placed: back in turn once one of its slots frees.
      if (!this.tenantHasRoom(tenant)) continue;
      const lane = this.nextLane(tenant);
      if (!lane) continue;
      const waiter = lane.waiters.shift() as Waiter;
      this.waitingCount--;
      waiter.grant(this.take(tenant, lane.origin));
      // Back of the line: the lane in its tenant's turn (parked, if its origin is full, only when its
      // turn comes, so behind the other tenants' lanes waiting for that origin), the tenant in the gate's.
      if (lane.waiters.length > 0) tenant.ready.add(lane);
      else tenant.lanes.delete(lane.key);
      this.tenantRoomFreed(tenant);
    }
  }

  /** The tenant's next lane whose origin has room; lanes found full wait for their origin meanwhile. */
  private nextLane(tenant: TenantSlots): Lane | undefined {
    for (const lane of tenant.ready) {
      tenant.ready.delete(lane);
      if (this.originHasRoom(lane.origin)) return lane;
      this.place(lane);
    }
    return undefined;
  }

  private cancel(waiter: Waiter): void {
    const { lane } = waiter;
    const index = lane.waiters.indexOf(waiter);
    if (index < 0) return;
    lane.waiters.splice(index, 1);
    this.waitingCount--;
    if (lane.waiters.length === 0) {
      const { tenant } = lane;
      tenant.lanes.delete(lane.key);
      tenant.ready.delete(lane);
      if (lane.parked) this.parked.get(lane.origin)?.delete(lane);
      if (this.parked.get(lane.origin)?.size === 0) this.parked.delete(lane.origin);
      if (tenant.ready.size === 0) this.readyTenants.delete(tenant);
      this.forgetIfIdle(tenant);
    }
    waiter.reject(new GateCancelledError('cancelled while waiting for a slot'));
  }

  private forgetIfIdle(tenant: TenantSlots): void {
    if (tenant.foreground === 0 && tenant.background === 0 && tenant.lanes.size === 0) this.tenants.delete(tenant.id);
  }
}
