import { DataSource } from 'typeorm';
import { openServiceDataSource } from '@hookstream/persistence';
import { serviceDatabaseUrl, testLogger, uniquePrefix } from '@hookstream/testing';
import { GatewayTenantsEntities, GatewayTenantsMigrations } from './gateway-tenants.module';
import { TenantService } from './tenant.service';
import { CreateTenants1732300000000 } from './tenants.migration';

describe("tenants' numeric user ids against the real Postgres", () => {
  const schema = `${uniquePrefix('userids').toLowerCase()}gateway`;
  const opened: DataSource[] = [];

  async function open(migrations: (typeof GatewayTenantsMigrations)[number][]): Promise<DataSource> {
    const dataSource = await openServiceDataSource({ url: serviceDatabaseUrl('GATEWAY_DATABASE_URL'), schema, entities: GatewayTenantsEntities, migrations });
    opened.push(dataSource);
    return dataSource;
  }

  afterAll(async () => {
    await opened[0]?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await Promise.all(opened.map((d) => d.destroy()));
  });

  it('numbers existing tenants in creation order, then each new one, and authenticates with its number', async () => {
    // Tenants made before the migration, inserted out of creation order.
    const before = await open([CreateTenants1732300000000]);
    await before.query(
      `INSERT INTO tenants (id, name, created_at) VALUES ('ten_second', 'b', '2026-02-01T00:00:00Z'), ('ten_first', 'a', '2026-01-01T00:00:00Z')`,
    );

    const after = await open(GatewayTenantsMigrations);
    const numbered = await after.query(`SELECT id, user_id FROM tenants ORDER BY user_id`);
    expect(numbered).toEqual([
      { id: 'ten_first', user_id: 1 },
      { id: 'ten_second', user_id: 2 },
    ]);

    const tenants = new TenantService(after, {}, testLogger('tenants'));
    const created = await tenants.createTenant('c');
    expect(await tenants.authenticate(created.api_key)).toEqual({ id: created.id, userId: 3, apiKeyId: expect.stringMatching(/^key_/) });
    const secondKey = await tenants.createKey('ten_first');
    expect(await tenants.authenticate(secondKey!.api_key)).toEqual({ id: 'ten_first', userId: 1, apiKeyId: secondKey!.id });
    expect(await tenants.authenticate('sk_unknown')).toBeUndefined();
    await expect(after.query(`UPDATE tenants SET user_id = 9 WHERE id = 'ten_first'`)).rejects.toThrow(/user_id/);
  });
});
