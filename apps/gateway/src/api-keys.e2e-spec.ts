import { freePort, ServiceProcess, TestPlatform, waitFor } from '@hookstream/testing';

/**
 * Operators manage a tenant's keys through the admin API on the gateway's ops
 * port; a revoked or expired key answers 401 from the next request on, on
 * every gateway instance (two here, sharing one database as replicas do).
 */
describe('API keys through the admin API', () => {
  const platform = new TestPlatform({ label: 'keys', services: ['gateway', 'workflow-config'] });
  const replicas: ServiceProcess[] = [];

  /** Another gateway instance beside the platform's, with the same environment unless `env` says otherwise. */
  async function startReplica(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const replica = new ServiceProcess({ name: 'gateway', port: await freePort(), env: { ...platform.env(), ...env } });
    replicas.push(replica);
    return replica.start();
  }

  async function status(baseUrl: string, key: string): Promise<number> {
    const res = await fetch(`${baseUrl}/workflows`, { headers: { authorization: `Bearer ${key}` } });
    await res.arrayBuffer();
    return res.status;
  }

  let replica: ServiceProcess;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    await platform.start();
    replica = await startReplica();
    const created = await platform.admin('POST', '/admin/tenants', { name: 'Key holder' });
    expect(created.status).toBe(201);
    tenant = created.body;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await platform.stop();
  }, 60_000);

  it('creates a key, lists every key masked and never the secret, and answers 404 for an unknown tenant', async () => {
    const created = await platform.admin('POST', `/admin/tenants/${tenant.id}/keys`);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^key_[a-z2-7]{26}$/),
      api_key: expect.stringMatching(/^sk_/),
      masked_key: `sk_…${created.body.api_key.slice(-4)}`,
      status: 'active',
      created_at: expect.any(String),
      expires_at: null,
      revoked_at: null,
    });
    expect(await status(platform.url('gateway'), created.body.api_key)).toBe(200);

    const listed = await platform.admin('GET', `/admin/tenants/${tenant.id}/keys`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((k: { masked_key: string }) => k.masked_key)).toEqual([`sk_…${tenant.api_key.slice(-4)}`, created.body.masked_key]);
    const text = JSON.stringify(listed.body);
    for (const key of [tenant.api_key, created.body.api_key]) expect(text).not.toContain(key.slice(3, -4));
    expect(listed.body.data.every((k: object) => !('api_key' in k))).toBe(true);

    expect((await platform.admin('GET', '/admin/tenants/ten_missing/keys')).status).toBe(404);
    expect((await platform.admin('POST', '/admin/tenants/ten_missing/keys')).status).toBe(404);
    expect((await platform.admin('GET', `/admin/tenants/${tenant.id}/keys`, undefined, { authorization: `Bearer ${tenant.api_key}` })).status).toBe(401);
  });

  it('revokes a key: 401 within a second on both gateway instances, the other keys unharmed', async () => {
    const key = (await platform.admin('POST', `/admin/tenants/${tenant.id}/keys`)).body;
    expect(await status(platform.url('gateway'), key.api_key)).toBe(200);
    expect(await status(replica.baseUrl, key.api_key)).toBe(200);

    const revoked = await platform.admin('DELETE', `/admin/tenants/${tenant.id}/keys/${key.id}`);
    expect(revoked.status).toBe(204);
    const since = Date.now();
    // No cache stands between a request and its key's row: the very next request is refused.
    expect(await status(replica.baseUrl, key.api_key)).toBe(401);
    expect(await status(platform.url('gateway'), key.api_key)).toBe(401);
    expect(Date.now() - since).toBeLessThan(1000);
    expect(await status(replica.baseUrl, tenant.api_key)).toBe(200);

    const listed = (await platform.admin('GET', `/admin/tenants/${tenant.id}/keys`)).body.data.find((k: { id: string }) => k.id === key.id);
    expect(listed).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });
    expect((await platform.admin('DELETE', `/admin/tenants/${tenant.id}/keys/${key.id}`)).status).toBe(204);
    const other = (await platform.admin('POST', '/admin/tenants', { name: 'Other' })).body;
    expect((await platform.admin('DELETE', `/admin/tenants/${other.id}/keys/${key.id}`)).status).toBe(404);
    expect((await platform.admin('DELETE', `/admin/tenants/${tenant.id}/keys/key_${'b'.repeat(26)}`)).status).toBe(404);
    expect((await platform.admin('DELETE', `/admin/tenants/${tenant.id}/keys/not-a-key-id`)).status).toBe(404);
  });

  it('ends a live tail once the key it was opened with is revoked', async () => {
    const key = (await platform.admin('POST', `/admin/tenants/${tenant.id}/keys`)).body;
    const res = await fetch(`${platform.url('gateway')}/workflows/events/live`, { headers: { authorization: `Bearer ${key.api_key}` } });
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    const ended = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        text += Buffer.from(value).toString();
      }
    })();
    await waitFor(async () => text.includes(': live'), { timeoutMs: 5000 });
    expect((await platform.admin('DELETE', `/admin/tenants/${tenant.id}/keys/${key.id}`)).status).toBe(204);
    const since = Date.now();
    await ended;
    // Each stream's key is checked again every second.
    expect(Date.now() - since).toBeLessThan(3000);
    expect(text).toContain('revoked');
  });

  it('honours an expiry, and refuses one that is not a future RFC 3339 time', async () => {
    const expiresAt = new Date(Date.now() + 3000);
    const created = await platform.admin('POST', `/admin/tenants/${tenant.id}/keys`, { expires_at: expiresAt.toISOString() });
    expect(created.status).toBe(201);
    expect(created.body.expires_at).toBe(expiresAt.toISOString());
    expect(await status(replica.baseUrl, created.body.api_key)).toBe(200);

    await waitFor(async () => (await status(replica.baseUrl, created.body.api_key)) === 401, { timeoutMs: 10_000, intervalMs: 100, what: 'the key to expire' });
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect(await status(platform.url('gateway'), created.body.api_key)).toBe(401);
    const listed = (await platform.admin('GET', `/admin/tenants/${tenant.id}/keys`)).body.data.find((k: { id: string }) => k.id === created.body.id);
    expect(listed.status).toBe('expired');

    for (const expires_at of [new Date(Date.now() - 1000).toISOString(), 'tomorrow', '2030-02-30T00:00:00Z', 42]) {
      const refused = await platform.admin('POST', `/admin/tenants/${tenant.id}/keys`, { expires_at });
      expect({ expires_at, status: refused.status, codes: refused.body.error_codes }).toEqual({ expires_at, status: 422, codes: ['expires_at_invalid'] });
    }
    expect((await platform.admin('POST', `/admin/tenants/${tenant.id}/keys`, { scope: 'all' })).body.error_codes).toEqual(['field_unknown']);
  }, 30_000);

  it('revokes the bootstrap key when a gateway starts without its variable, and when the variable changes', async () => {
    expect(await status(platform.url('gateway'), platform.apiKey)).toBe(200);
    await replica.stop();

    replica = await startReplica({ BOOTSTRAP_TENANT_ID: '', BOOTSTRAP_API_KEY: '' });
    expect(await status(platform.url('gateway'), platform.apiKey)).toBe(401);
    expect(await status(replica.baseUrl, platform.apiKey)).toBe(401);
    await replica.stop();

    const changed = 'sk_test_e2e_changed_bootstrap_key_00';
    replica = await startReplica({ BOOTSTRAP_API_KEY: changed });
    expect(await status(platform.url('gateway'), changed)).toBe(200);
    expect(await status(platform.url('gateway'), platform.apiKey)).toBe(401);
    const keys = (await platform.admin('GET', `/admin/tenants/${platform.tenantId}/keys`)).body.data;
    expect(keys.map((k: { masked_key: string; status: string }) => [k.masked_key, k.status])).toEqual([
      [`sk_…${platform.apiKey.slice(-4)}`, 'revoked'],
      [`sk_…${changed.slice(-4)}`, 'active'],
    ]);
  }, 120_000);
});
