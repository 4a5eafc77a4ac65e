import { EgressPolicy } from './egress-policy';

/** The env variable naming each tenant's own allowlist. */
export const TENANT_ALLOWLISTS_VARIABLE = 'DELIVERY_ALLOWED_HOSTS_BY_TENANT';

/**
 * Reads `ten_a=*.a.example,hooks.b.com;ten_b=10.0.0.0/8`: one `tenant=entries`
 * per `;`, entries as in DELIVERY_ALLOWED_HOSTS. Throws, naming the
 * variable, on a part it cannot read or a tenant named twice.
 */
export function parseTenantAllowlists(text: string): Map<string, string[]> {
  const byTenant = new Map<string, string[]>();
  for (const part of text.split(';')) {
    if (!part.trim()) continue;
    const split = part.indexOf('=');
    const tenant = split < 0 ? '' : part.slice(0, split).trim();
    if (!/^[^\s=,;]+$/.test(tenant)) throw new Error(`${TENANT_ALLOWLISTS_VARIABLE}: '${part.trim()}' is not tenant=host,host,…`);
    if (byTenant.has(tenant)) throw new Error(`${TENANT_ALLOWLISTS_VARIABLE}: tenant '${tenant}' is named twice`);
    const entries = part
      .slice(split + 1)
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    // Read now, so that a bad entry stops the service at boot.
    new EgressPolicy(entries, `${TENANT_ALLOWLISTS_VARIABLE} (${tenant})`);
    byTenant.set(tenant, entries);
  }
  return byTenant;
}

/**
 * The egress policy of each tenant: the allowlist every tenant shares
 * (DELIVERY_ALLOWED_HOSTS) plus, for a tenant named in
 * DELIVERY_ALLOWED_HOSTS_BY_TENANT, its own entries.
 */
export class EgressRules {
  readonly shared: EgressPolicy;
  private readonly byTenant = new Map<string, EgressPolicy>();

  constructor(shared: readonly string[] = [], byTenant: ReadonlyMap<string, readonly string[]> = new Map()) {
    this.shared = new EgressPolicy(shared);
    for (const [tenant, entries] of byTenant) this.byTenant.set(tenant, new EgressPolicy([...shared, ...entries], `${TENANT_ALLOWLISTS_VARIABLE} (${tenant})`));
  }

  policyFor(tenantId: string): EgressPolicy {
    return this.byTenant.get(tenantId) ?? this.shared;
  }
}
