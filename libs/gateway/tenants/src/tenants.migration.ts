import { sqlMigration } from '@hookstream/persistence';

export const CreateTenants1732300000000 = sqlMigration('CreateTenants1732300000000', {
  up: [
    `CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE TABLE api_keys (id text PRIMARY KEY, tenant_id text NOT NULL REFERENCES tenants(id), key_hash text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now())`,
  ],
  down: ['DROP TABLE api_keys', 'DROP TABLE tenants'],
});

/**
 * MyCashflow's API answers a numeric user_id: each tenant gets one, stable,
 * from an identity column. Existing tenants are numbered in creation order.
 */
export const TenantUserIds1764650000000 = sqlMigration('TenantUserIds1764650000000', {
  up: [
    `ALTER TABLE tenants ADD COLUMN user_id integer`,
    `UPDATE tenants t SET user_id = n.rank FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS rank FROM tenants) n WHERE n.id = t.id`,
    `ALTER TABLE tenants ALTER COLUMN user_id SET NOT NULL`,
    `ALTER TABLE tenants ALTER COLUMN user_id ADD GENERATED ALWAYS AS IDENTITY`,
    `SELECT setval(pg_get_serial_sequence('tenants', 'user_id'), COALESCE(MAX(user_id), 0) + 1, false) FROM tenants`,
    `ALTER TABLE tenants ADD CONSTRAINT tenants_user_id_key UNIQUE (user_id)`,
  ],
  down: ['ALTER TABLE tenants DROP COLUMN user_id'],
});
