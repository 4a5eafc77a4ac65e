import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { newId } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { rowsOf } from '@hookstream/persistence';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';
import { againstDatabase } from './database-availability';
import { ApiKeyEntity, TenantEntity } from './tenant.entity';

export interface GatewayAuthSettings {
  /** Tenant and key ensured at boot, for local use and tests. */
  bootstrapTenantId?: string;
  bootstrapApiKey?: string;
  /** Enables the /admin endpoints; without it they answer 401. */
  adminApiKey?: string;
}
export const GATEWAY_AUTH_SETTINGS = Symbol('GATEWAY_AUTH_SETTINGS');

/** Who an API key belongs to: the tenant, and its number for MyCashflow's user_id. */
export interface AuthenticatedTenant {
  id: string;
  userId: number;
}

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');
const KeyOwnerRow = z.object({ id: z.string(), user_id: z.number() });

const newApiKey = (): string => `sk_${randomBytes(24).toString('base64url')}`;

/** Tenants and their API keys, in the gateway's own schema. */
@Injectable()
export class TenantService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(GATEWAY_AUTH_SETTINGS) private readonly settings: GatewayAuthSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const { bootstrapTenantId: tenantId, bootstrapApiKey: key } = this.settings;
    if (!tenantId || !key) return;
    await this.dataSource.query(`INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT (id) DO NOTHING`, [tenantId]);
    await this.dataSource.query(`INSERT INTO api_keys (id, tenant_id, key_hash) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO NOTHING`, [
      newId('key'),
      tenantId,
      hashApiKey(key),
    ]);
    this.logger.info({ tenantId }, 'bootstrap tenant ensured');
  }

  /** The tenant a key belongs to, or undefined for an unknown key. */
  async authenticate(key: string): Promise<AuthenticatedTenant | undefined> {
    const rows = rowsOf(
      KeyOwnerRow,
      await againstDatabase(() =>
        this.dataSource.query(`SELECT t.id, t.user_id FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.key_hash = $1`, [hashApiKey(key)]),
      ),
    );
    return rows[0] && { id: rows[0].id, userId: rows[0].user_id };
  }

  async createTenant(name: string): Promise<{ id: string; api_key: string }> {
    const id = newId('ten');
    await againstDatabase(() => this.dataSource.getRepository(TenantEntity).insert({ id, name }));
    return { id, api_key: await this.insertKey(id) };
  }

  /** undefined when the tenant does not exist. */
  async createKey(tenantId: string): Promise<string | undefined> {
    if (!(await againstDatabase(() => this.dataSource.getRepository(TenantEntity).existsBy({ id: tenantId })))) return undefined;
    return this.insertKey(tenantId);
  }

  private async insertKey(tenantId: string): Promise<string> {
    const key = newApiKey();
    await againstDatabase(() => this.dataSource.getRepository(ApiKeyEntity).insert({ id: newId('key'), tenantId, keyHash: hashApiKey(key) }));
    return key;
  }
}
