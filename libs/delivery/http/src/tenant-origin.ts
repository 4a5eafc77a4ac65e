/**
 * Where one tenant's attempts go, as breakers, endpoint health and the
 * queues of the concurrency gate see it: one tenant's failures or hangs at
 * an origin are its own, not every tenant's that shares that origin.
 */
export interface TenantOrigin {
  readonly tenantId: string;
  /** The URL's origin (scheme, host, port). */
  readonly origin: string;
}

/** A Map key for one (tenant, origin), unambiguous whatever either holds. */
export function tenantOriginKey(at: TenantOrigin): string {
  return JSON.stringify([at.tenantId, at.origin]);
}
