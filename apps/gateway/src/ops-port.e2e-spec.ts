import { SERVICE_NAMES, TestPlatform } from '@hookstream/testing';

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}

/**
 * An Ingress in front of a service's port reaches its API only: health,
 * metrics, the OpenAPI document and the admin API answer on the ops port,
 * and 404 on the public one, as if they did not exist.
 */
describe('the ops port', () => {
  const platform = new TestPlatform({ label: 'ops' });

  beforeAll(async () => {
    await platform.start();
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
  }, 60_000);

  it('serves /health and /metrics of every service on the ops port, and 404 for them on the service port', async () => {
    for (const name of SERVICE_NAMES) {
      for (const path of ['/health/live', '/health/ready', '/metrics']) {
        expect({ name, path, status: (await get(`${platform.opsUrl(name)}${path}`)).status }).toEqual({ name, path, status: 200 });
        expect({ name, path, status: (await get(`${platform.url(name)}${path}`)).status }).toEqual({ name, path, status: 404 });
      }
      expect((await get(`${platform.opsUrl(name)}/metrics`)).text).toContain(`service="${name}"`);
    }
  }, 60_000);

  it('keeps the internal routes on the service port, not the ops port', async () => {
    const internal = '/internal/workflow-index';
    expect((await get(`${platform.url('matcher')}${internal}`)).status).not.toBe(404);
    expect((await get(`${platform.opsUrl('matcher')}${internal}`)).status).toBe(404);
  });

  it("serves the gateway's /docs and /admin on the ops port only, answering the API's 404 on the public one", async () => {
    const admin = { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' };
    for (const path of ['/docs', '/docs/', '/docs-json', '/docs-yaml']) {
      expect({ path, status: (await get(`${platform.opsUrl('gateway')}${path}`)).status }).toEqual({ path, status: 200 });
    }
    const publicPaths: [string, RequestInit][] = [
      ['/docs', {}],
      ['/docs-json', {}],
      ['/docs-yaml', {}],
      ['/docs/swagger-ui.css', {}],
      ['/metrics', {}],
      ['/health/ready', {}],
      ['/admin/tenants', { method: 'POST', headers: admin, body: JSON.stringify({ name: 'via the public port' }) }],
      ['/ADMIN/tenants', { method: 'POST', headers: admin, body: JSON.stringify({ name: 'via the public port' }) }],
      [`/admin/tenants/${platform.tenantId}/keys`, { headers: admin }],
      ['/admin/event-types', { method: 'POST', headers: admin, body: '{}' }],
    ];
    for (const [path, init] of publicPaths) {
      const res = await fetch(`${platform.url('gateway')}${path}`, init);
      const body = await res.json();
      expect({ path, status: res.status, body }).toEqual({ path, status: 404, body: { request_id: res.headers.get('cko-request-id'), error_type: 'not_found' } });
    }
    expect((await platform.admin('GET', `/admin/tenants/${platform.tenantId}/keys`)).status).toBe(200);
  }, 30_000);

  it("serves the gateway's public API on the public port only", async () => {
    expect((await platform.api('GET', '/workflows')).status).toBe(200);
    const onOps = await fetch(`${platform.opsUrl('gateway')}/workflows`, { headers: { authorization: `Bearer ${platform.apiKey}` } });
    expect(onOps.status).toBe(404);
    expect(await onOps.json()).toMatchObject({ error_type: 'not_found' });
  });
});
