import { DataSource } from 'typeorm';
import { openServiceDataSource } from '@hookstream/persistence';
import { testInfra, testLogger, uniquePrefix } from '@hookstream/testing';
import { hashApiKey } from './api-key';
import { GatewayTenantsEntities, GatewayTenantsMigrations } from './gateway-tenants.module';
import { GatewayTenantsSettings, TenantService } from './tenant.service';
import { CreateTenants1732300000000, TenantUserIds1764650000000 } from './tenants.migration';

describe('API keys against the real Postgres', () => {
  const schema = `${uniquePrefix('apikeys').toLowerCase()}gateway`;
  const opened: DataSource[] = [];
  let clock = new Date('2026-12-02T10:00:00.000Z');
  const now = () => clock;
  // Lists are in creation order: each step a second after the last.
  const tick = () => (clock = new Date(clock.getTime() + 1000));

  async function open(migrations: (typeof GatewayTenantsMigrations)[number][] = GatewayTenantsMigrations): Promise<DataSource> {
    const dataSource = await openServiceDataSource({ url: testInfra().databaseUrl, schema, entities: GatewayTenantsEntities, migrations });
    opened.push(dataSource);
    return dataSource;
  }

  /** A gateway start: the service as Nest makes it, then its boot hook. */
  async function start(dataSource: DataSource, settings: GatewayTenantsSettings = {}): Promise<TenantService> {
    tick();
    const tenants = new TenantService(dataSource, { now, ...settings }, testLogger('tenants'));
    await tenants.onModuleInit();
    return tenants;
  }

  afterAll(async () => {
    await opened[0]?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await Promise.all(opened.map((d) => d.destroy()));
  });

  it('keeps keys made before the migration working, listed by their prefix alone', async () => {
    const before = await open([CreateTenants1732300000000, TenantUserIds1764650000000]);
    await before.query(`INSERT INTO tenants (id, name) VALUES ('ten_old', 'old')`);
    await before.query(`INSERT INTO api_keys (id, tenant_id, key_hash) VALUES ('key_aaaaaaaaaaaaaaaaaaaaaaaaaa', 'ten_old', $1)`, [hashApiKey('sk_made_before_the_migration')]);

    const tenants = await start(await open());
    expect(await tenants.authenticate('sk_made_before_the_migration')).toMatchObject({ id: 'ten_old' });
    expect(await tenants.listKeys('ten_old')).toEqual([
      { id: 'key_aaaaaaaaaaaaaaaaaaaaaaaaaa', masked_key: 'sk_…', status: 'active', created_at: expect.any(String), expires_at: null, revoked_at: null },
    ]);
  });

  it('stores a key as its SHA-256 and last four only, lists it masked, and revokes it', async () => {
    const dataSource = await open();
    const tenants = await start(dataSource);
    const tenant = await tenants.createTenant('Acme');
    tick();
    const second = (await tenants.createKey(tenant.id))!;
    expect(second).toMatchObject({ id: expect.stringMatching(/^key_/), masked_key: `sk_…${second.api_key.slice(-4)}`, status: 'active', expires_at: null, revoked_at: null });

    const stored = JSON.stringify(await dataSource.query(`SELECT * FROM api_keys WHERE tenant_id = $1`, [tenant.id]));
    for (const key of [tenant.api_key, second.api_key]) {
      expect(stored).not.toContain(key);
      expect(stored).not.toContain(key.slice(3, -4));
      expect(stored).toContain(hashApiKey(key));
    }
    const listed = await tenants.listKeys(tenant.id);
    expect(listed?.map((k) => k.masked_key)).toEqual([`sk_…${tenant.api_key.slice(-4)}`, second.masked_key]);
    expect(JSON.stringify(listed)).not.toContain(second.api_key);

    expect(await tenants.revokeKey(tenant.id, second.id)).toBe(true);
    expect(await tenants.authenticate(second.api_key)).toBeUndefined();
    expect(await tenants.authenticate(tenant.api_key)).toMatchObject({ id: tenant.id });
    const revoked = (await tenants.listKeys(tenant.id))?.find((k) => k.id === second.id);
    expect(revoked).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });
    // Again: no change; another tenant's key or an unknown one: not found.
    expect(await tenants.revokeKey(tenant.id, second.id)).toBe(true);
    expect((await tenants.listKeys(tenant.id))?.find((k) => k.id === second.id)?.revoked_at).toBe(revoked?.revoked_at);
    const other = await tenants.createTenant('Other');
    expect(await tenants.revokeKey(other.id, second.id)).toBe(false);
    expect(await tenants.revokeKey(tenant.id, 'key_bbbbbbbbbbbbbbbbbbbbbbbbbb')).toBe(false);
    expect(await tenants.listKeys('ten_missing')).toBeUndefined();
    expect(await tenants.createKey('ten_missing')).toBeUndefined();
  });

  it('answers requests arriving together, which share one lookup, each with its own key: active, revoked, unknown, repeated', async () => {
    const tenants = await start(await open());
    const a = await tenants.createTenant('Together A');
    const b = await tenants.createTenant('Together B');
    tick();
    const revoked = (await tenants.createKey(b.id))!;
    await tenants.revokeKey(b.id, revoked.id);
    const keys = [a.api_key, b.api_key, revoked.api_key, 'sk_unknown_key', a.api_key, b.api_key, revoked.api_key, a.api_key];
    const answers = await Promise.all(keys.map((key) => tenants.authenticate(key)));
    expect(answers.map((t) => t?.id)).toEqual([a.id, b.id, undefined, undefined, a.id, b.id, undefined, a.id]);
  });

  it('honours an expiry by the clock, and refuses one not in the future', async () => {
    const tenants = await start(await open());
    const tenant = await tenants.createTenant('Expiring');
    const key = (await tenants.createKey(tenant.id, new Date(clock.getTime() + 60_000)))!;
    expect(await tenants.authenticate(key.api_key)).toMatchObject({ id: tenant.id });
    clock = new Date(clock.getTime() + 59_999);
    expect(await tenants.authenticate(key.api_key)).toMatchObject({ id: tenant.id });
    clock = new Date(clock.getTime() + 1);
    expect(await tenants.authenticate(key.api_key)).toBeUndefined();
    expect((await tenants.listKeys(tenant.id))?.find((k) => k.id === key.id)).toMatchObject({ status: 'expired', expires_at: key.expires_at });
    await expect(tenants.createKey(tenant.id, clock)).rejects.toMatchObject({ response: { error_codes: ['expires_at_invalid'] } });
  });

  it('revokes a stored bootstrap key at a start where its variable is changed or gone, and keeps a revoked one revoked', async () => {
    const dataSource = await open();
    const first = 'sk_bootstrap_first_000000000000';
    const changed = 'sk_bootstrap_changed_0000000000';
    const bootstrap = (key: string) => ({ bootstrapTenantId: 'ten_boot', bootstrapApiKey: key });

    let gateway = await start(dataSource, bootstrap(first));
    expect(await gateway.authenticate(first)).toMatchObject({ id: 'ten_boot' });
    // Restarting with the same variables changes nothing.
    gateway = await start(dataSource, bootstrap(first));
    expect(await gateway.authenticate(first)).toMatchObject({ id: 'ten_boot' });

    gateway = await start(dataSource, bootstrap(changed));
    expect(await gateway.authenticate(first)).toBeUndefined();
    expect(await gateway.authenticate(changed)).toMatchObject({ id: 'ten_boot' });
    tick();
    const made = await gateway.createKey('ten_boot');

    gateway = await start(dataSource);
    expect(await gateway.authenticate(changed)).toBeUndefined();
    // Keys made through the admin API are not bootstrap keys: they stay.
    expect(await gateway.authenticate(made!.api_key)).toMatchObject({ id: 'ten_boot' });
    expect((await gateway.listKeys('ten_boot'))?.map((k) => k.status)).toEqual(['revoked', 'revoked', 'active']);

    // The variable set again to a revoked key: it stays revoked.
    gateway = await start(dataSource, bootstrap(first));
    expect(await gateway.authenticate(first)).toBeUndefined();
  });

  it('refuses to start with a bootstrap key that belongs to another tenant', async () => {
    const dataSource = await open();
    await start(dataSource, { bootstrapTenantId: 'ten_one', bootstrapApiKey: 'sk_bootstrap_shared_00000000000' });
    await expect(start(dataSource, { bootstrapTenantId: 'ten_two', bootstrapApiKey: 'sk_bootstrap_shared_00000000000' })).rejects.toThrow(
      /BOOTSTRAP_API_KEY is already a key of tenant ten_one/,
    );
  });
});
