import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, In, IsNull } from 'typeorm';
import { z } from 'zod';
import { newId } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { GroupedRoundTrips, rowsOf } from '@hookstream/persistence';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';
import { ApiError } from '@hookstream/gateway-http';
import { apiKeyStatus, hashApiKey, lastFour, maskApiKey, newApiKey, staleBootstrapKeys } from './api-key';
import { ApiKeyView, CreatedApiKey } from './api-key.views';
import { againstDatabase } from '@hookstream/gateway-http';
import { ApiKeyEntity, TenantEntity } from './tenant.entity';

export interface GatewayTenantsSettings {
  /** Tenant and key ensured at boot, for local use and tests. */
  bootstrapTenantId?: string;
  bootstrapApiKey?: string;
  /** Enables the /admin endpoints; without it they answer 401. */
  adminApiKey?: string;
  /** The time keys expire against; tests inject their own. */
  now?: () => Date;
}
export const GATEWAY_TENANTS_SETTINGS = Symbol('GATEWAY_TENANTS_SETTINGS');

/** Who an API key belongs to: the tenant, and its number for MyCashflow's user_id; and which of its keys it is. */
export interface AuthenticatedTenant {
  id: string;
  userId: number;
  /** The key the request was made with: the actor of the changes it makes (see onBehalfOf). */
  apiKeyId: string;
}

const iso = (date: Date | null): string | null => date && date.toISOString();
const KeyOwnerRow = z.object({ key_hash: z.string(), id: z.string(), user_id: z.number(), key_id: z.string(), expires_at: z.date().nullable(), revoked_at: z.date().nullable() });
type KeyOwnerRow = z.infer<typeof KeyOwnerRow>;
const BootstrapKeyRow = z.object({ tenant_id: z.string(), revoked_at: z.date().nullable() });

/** Keys looked up in one query at most. */
const MAX_KEYS_PER_LOOKUP = 1_000;

/**
 * Tenants and their API keys, in the gateway's own schema. Every request
 * reads its key's row (an indexed lookup, no cache), so a revoked or
 * expired key answers 401 on every gateway instance from the next request.
 * Concurrent requests share the lookup: one query for all the keys that
 * arrived while the previous one ran, rather than a pooled connection each.
 */
@Injectable()
export class TenantService implements OnModuleInit {
  /** Every time a key holds (made, expires, revoked) is read and written by this clock. */
  private readonly now: () => Date;
  /** Key hash -> its row, if any. */
  private readonly keyOwners = new GroupedRoundTrips<string, KeyOwnerRow | undefined>((hashes) => this.findKeyOwners(hashes), { maxWeight: MAX_KEYS_PER_LOOKUP });

  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_TENANTS_SETTINGS) private readonly settings: GatewayTenantsSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {
    this.now = settings.now ?? (() => new Date());
  }

  async onModuleInit(): Promise<void> {
    const { bootstrapTenantId: tenantId, bootstrapApiKey: key } = this.settings;
    if (tenantId && key) await this.ensureBootstrapKey(tenantId, key);
    await this.revokeStaleBootstrapKeys(key);
  }

  /** The tenant a key belongs to, or undefined for an unknown, revoked or expired key. */
  async authenticate(key: string): Promise<AuthenticatedTenant | undefined> {
    const row = await againstDatabase(() => this.keyOwners.submit(hashApiKey(key)));
    if (!row || apiKeyStatus({ expiresAt: row.expires_at, revokedAt: row.revoked_at }, this.now()) !== 'active') return undefined;
    return { id: row.id, userId: row.user_id, apiKeyId: row.key_id };
  }

  private async findKeyOwners(hashes: readonly string[]): Promise<(KeyOwnerRow | undefined)[]> {
    const rows = rowsOf(
      KeyOwnerRow,
      await this.dataSource.query(
        `SELECT k.key_hash, t.id, t.user_id, k.id AS key_id, k.expires_at, k.revoked_at FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = ANY($1::text[])`,
        [[...new Set(hashes)]],
      ),
    );
    const byHash = new Map(rows.map((row) => [row.key_hash, row]));
    return hashes.map((hash) => byHash.get(hash));
  }

  async createTenant(name: string): Promise<{ id: string; api_key: string }> {
    const id = newId('ten');
    await againstDatabase(() => this.dataSource.getRepository(TenantEntity).insert({ id, name }));
    return { id, api_key: (await this.insertKey(id, null)).api_key };
  }

  /** undefined when the tenant does not exist; an expiry not in the future is refused (expires_at_invalid). */
  async createKey(tenantId: string, expiresAt: Date | null = null): Promise<CreatedApiKey | undefined> {
    if (expiresAt !== null && expiresAt <= this.now()) throw ApiError.invalid(['expires_at_invalid']);
    if (!(await this.tenantExists(tenantId))) return undefined;
    return this.insertKey(tenantId, expiresAt);
  }

  /** A tenant's keys, oldest first, masked; undefined when the tenant does not exist. */
  async listKeys(tenantId: string): Promise<ApiKeyView[] | undefined> {
    if (!(await this.tenantExists(tenantId))) return undefined;
    const keys = await againstDatabase(() => this.dataSource.getRepository(ApiKeyEntity).find({ where: { tenantId }, order: { createdAt: 'ASC', id: 'ASC' } }));
    return keys.map((key) => this.view(key));
  }

  /** Revokes a key of the tenant (again: no change); false when it has no such key. */
  async revokeKey(tenantId: string, keyId: string): Promise<boolean> {
    const keys = this.dataSource.getRepository(ApiKeyEntity);
    const key = await againstDatabase(() => keys.findOneBy({ id: keyId, tenantId }));
    if (!key) return false;
    if (key.revokedAt === null) await againstDatabase(() => keys.update({ id: keyId, revokedAt: IsNull() }, { revokedAt: this.now() }));
    return true;
  }

  private async tenantExists(tenantId: string): Promise<boolean> {
    return againstDatabase(() => this.dataSource.getRepository(TenantEntity).existsBy({ id: tenantId }));
  }

  private async insertKey(tenantId: string, expiresAt: Date | null): Promise<CreatedApiKey> {
    const key = newApiKey();
    const entity: ApiKeyEntity = {
      id: newId('key'),
      tenantId,
      keyHash: hashApiKey(key),
      lastFour: lastFour(key),
      expiresAt,
      revokedAt: null,
      bootstrap: false,
      createdAt: this.now(),
    };
    await againstDatabase(() => this.dataSource.getRepository(ApiKeyEntity).insert(entity));
    return { ...this.view(entity), api_key: key };
  }

  private view(key: ApiKeyEntity): ApiKeyView {
    return {
      id: key.id,
      masked_key: maskApiKey(key.lastFour),
      status: apiKeyStatus(key, this.now()),
      created_at: key.createdAt.toISOString(),
      expires_at: iso(key.expiresAt),
      revoked_at: iso(key.revokedAt),
    };
  }

  private async ensureBootstrapKey(tenantId: string, key: string): Promise<void> {
    await this.dataSource.query(`INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING`, [tenantId]);
    const [stored] = rowsOf(
      BootstrapKeyRow,
      await this.dataSource.query(
        `INSERT INTO api_keys (id, tenant_id, key_hash, last_four, bootstrap, created_at) VALUES ($1, $2, $3, $4, true, $5)
         ON CONFLICT (key_hash) DO UPDATE SET bootstrap = true, last_four = EXCLUDED.last_four
         RETURNING tenant_id, revoked_at`,
        [newId('key'), tenantId, hashApiKey(key), lastFour(key), this.now()],
      ),
    );
    if (stored.tenant_id !== tenantId) {
      throw new Error(`BOOTSTRAP_API_KEY is already a key of tenant ${stored.tenant_id}, not of BOOTSTRAP_TENANT_ID ${tenantId}: choose a new key`);
    }
    // A revocation is final: an operator who revoked the key meant it.
    if (stored.revoked_at) this.logger.warn({ tenantId }, 'BOOTSTRAP_API_KEY was revoked and stays revoked: set a new one');
    else this.logger.info({ tenantId }, 'bootstrap tenant ensured');
  }

  private async revokeStaleBootstrapKeys(configuredKey: string | undefined): Promise<void> {
    const stored = await this.dataSource.getRepository(ApiKeyEntity).find({ where: { bootstrap: true, revokedAt: IsNull() } });
    const stale = staleBootstrapKeys(stored, configuredKey);
    if (stale.length === 0) return;
    await this.dataSource.getRepository(ApiKeyEntity).update({ id: In(stale.map((key) => key.id)), revokedAt: IsNull() }, { revokedAt: this.now() });
    this.logger.warn({ keys: stale.map((key) => ({ id: key.id, tenantId: key.tenantId })) }, 'revoked bootstrap keys BOOTSTRAP_API_KEY no longer names');
  }
}
