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
