import { sqlMigration } from '@hookstream/persistence';

/**
 * Keys can expire and be revoked, lists show their last four characters, and
 * the bootstrap key is marked so a start without it can revoke it. Keys made
 * before this have no last four (only their hash was kept).
 */
export const ApiKeyLifecycle1764700000000 = sqlMigration('ApiKeyLifecycle1764700000000', {
  up: [
    `ALTER TABLE api_keys ADD COLUMN last_four text, ADD COLUMN expires_at timestamptz, ADD COLUMN revoked_at timestamptz, ADD COLUMN bootstrap boolean NOT NULL DEFAULT false`,
    `CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id, created_at)`,
  ],
  down: [
    `DROP INDEX api_keys_tenant_id_idx`,
    `ALTER TABLE api_keys DROP COLUMN last_four, DROP COLUMN expires_at, DROP COLUMN revoked_at, DROP COLUMN bootstrap`,
  ],
});
