import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTenants1732300000000 implements MigrationInterface {
  name = 'CreateTenants1732300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE tenants (id text PRIMARY KEY, name text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(
      `CREATE TABLE api_keys (id text PRIMARY KEY, tenant_id text NOT NULL REFERENCES tenants(id), key_hash text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE api_keys');
    await runner.query('DROP TABLE tenants');
  }
}

/**
 * MyCashflow's API answers a numeric user_id: each tenant gets one, stable,
 * from an identity column. Existing tenants are numbered in creation order.
 */
export class TenantUserIds1764650000000 implements MigrationInterface {
  name = 'TenantUserIds1764650000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE tenants ADD COLUMN user_id integer`);
    await runner.query(
      `UPDATE tenants t SET user_id = n.rank FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS rank FROM tenants) n WHERE n.id = t.id`,
    );
    await runner.query(`ALTER TABLE tenants ALTER COLUMN user_id SET NOT NULL`);
    await runner.query(`ALTER TABLE tenants ALTER COLUMN user_id ADD GENERATED ALWAYS AS IDENTITY`);
    await runner.query(`SELECT setval(pg_get_serial_sequence('tenants', 'user_id'), COALESCE(MAX(user_id), 0) + 1, false) FROM tenants`);
    await runner.query(`ALTER TABLE tenants ADD CONSTRAINT tenants_user_id_key UNIQUE (user_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE tenants DROP COLUMN user_id');
  }
}
