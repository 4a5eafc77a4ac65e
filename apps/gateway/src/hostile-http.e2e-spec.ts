import { connect } from 'node:net';
import { databaseUrlViaPort, serviceDatabaseUrl, ServiceProcess, TcpGate, TestPlatform, testInfra, waitFor } from '@hookstream/testing';

const WF = `wf_${'a'.repeat(26)}`;
const EVT = `evt_${'a'.repeat(26)}`;
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const event = (subject: string, extra: Record<string, unknown> = {}) => ({ source: 'gateway', type: 'payment_approved', subject_id: subject, ...extra });

/** Every route of the public API that takes a JSON body. */
const JSON_ROUTES: [method: string, path: string, admin?: boolean][] = [
  ['POST', '/workflows'],
  ['PATCH', `/workflows/${WF}`],
  ['POST', `/workflows/${WF}/actions`],
  ['PUT', `/workflows/${WF}/actions/wfa_${'a'.repeat(26)}`],
  ['POST', `/workflows/${WF}/conditions`],
  ['PUT', `/workflows/${WF}/conditions/wfc_${'a'.repeat(26)}`],
  ['POST', '/workflows/events/reflow'],
  ['POST', `/workflows/${WF}/test`],
  ['POST', '/api/v1/webhooks'],
  ['POST', '/events'],
  ['POST', '/events/batch'],
  ['POST', '/admin/tenants', true],
  ['POST', '/admin/event-types', true],
];

/** Path ids holding NUL, other control characters or junk, on every route with a path id. */
const HOSTILE_IDS = ['%00', 'wf_%00', '%01', '%0A', '%7F', '%C2%80', `wf_${'a'.repeat(5000)}`, 'evt_%00aaaaaaaaaaaaaaaaaaaaaaaaa'];
const PATH_ROUTES: [method: string, path: (id: string) => string, admin?: boolean][] = [
  ['GET', (id) => `/workflows/${id}`],
  ['DELETE', (id) => `/workflows/${id}`],
  ['DELETE', (id) => `/workflows/${WF}/actions/${id}`],
  ['DELETE', (id) => `/workflows/${WF}/conditions/${id}`],
  ['GET', (id) => `/workflows/events/${id}`],
  ['GET', (id) => `/workflows/events/${EVT}/actions/${id}`],
  ['GET', (id) => `/workflows/events/subject/${id}`],
  ['POST', (id) => `/workflows/events/${id}/reflow`],
  ['POST', (id) => `/workflows/events/subject/${id}/reflow`],
  ['GET', (id) => `/workflows/events/reflow/${id}`],
  ['GET', (id) => `/api/v1/webhooks/${id}`],
  ['DELETE', (id) => `/api/v1/webhooks/${id}`],
  ['POST', (id) => `/admin/tenants/${id}/keys`, true],
];

/** A request written byte by byte, for header values fetch() would refuse to send. */
function rawRequest(port: number, head: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(Buffer.concat([head, Buffer.from('\r\n')])));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      if (status) {
        socket.destroy();
        resolve(Number(status[1]));
      }
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => reject(new Error('no answer')));
  });
}

describe('the gateway answers hostile requests with 4xx and codes, never 500', () => {
  const infra = testInfra();
  const postgres = new URL(infra.databaseUrl);
  // The gateway's own Postgres and event-ingest's each behind a gate a test can close.
  const gatewayDb = new TcpGate(postgres.hostname, Number(postgres.port || 5432));
  const ingestDb = new TcpGate(postgres.hostname, Number(postgres.port || 5432));
  const viaGate = (gate: TcpGate, variable: string) => databaseUrlViaPort(serviceDatabaseUrl(variable), gate.port);
  let platform: TestPlatform;
  let ingest: ServiceProcess;

  beforeAll(async () => {
    await Promise.all([gatewayDb.open(), ingestDb.open()]);
    platform = new TestPlatform({ label: 'hostile-http', services: ['gateway', 'workflow-config', 'projection'], env: { GATEWAY_DATABASE_URL: viaGate(gatewayDb, 'GATEWAY_DATABASE_URL') } });
    await platform.start();
    ingest = new ServiceProcess({
      name: 'event-ingest',
      port: Number(new URL(platform.url('event-ingest')).port),
      env: { ...platform.env(), EVENT_INGEST_DATABASE_URL: viaGate(ingestDb, 'EVENT_INGEST_DATABASE_URL') },
    });
    await ingest.start();
  }, 180_000);

  afterAll(async () => {
    await Promise.all([platform?.stop(), ingest?.stop()]);
    await Promise.all([gatewayDb.close(), ingestDb.close()]);
  }, 60_000);

  it('answers 400 body_too_deep for a body nested 20,000 levels deep, on every JSON route', async () => {
    const answers = new Map<string, unknown>();
    for (const [method, path, asAdmin] of JSON_ROUTES) {
      const res = asAdmin ? await platform.admin(method, path, deepJson(20_000)) : await platform.api(method, path, deepJson(20_000));
      answers.set(`${method} ${path}`, { status: res.status, codes: res.body?.error_codes });
    }
    const expected = new Map(JSON_ROUTES.map(([method, path]) => [`${method} ${path}`, { status: 400, codes: ['body_too_deep'] }]));
    expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(expected));
  }, 60_000);

  it("passes event-ingest's 4xx through with its codes: an event too deep for ingest, a NUL in a producer id", async () => {
    const deepData = JSON.parse(deepJson(40)) as Record<string, unknown>;
    expect(await platform.api('POST', '/events', event('pay_deep_data', { data: deepData }))).toMatchObject({
      status: 422,
      body: { error_type: 'request_invalid', error_codes: ['data_too_deep'] },
    });
    expect(await platform.api('POST', '/events', event('pay_nul_id', { id: 'order-\u0000' }))).toMatchObject({
      status: 422,
      body: { error_codes: ['string_invalid_characters'], details: expect.stringMatching(/^id: /) },
    });
    expect(await platform.api('POST', '/events/batch', [event('pay_ok'), event('pay_\ud800')])).toMatchObject({
      status: 422,
      body: { error_codes: ['string_invalid_characters'] },
    });
    expect(await platform.api('POST', '/events', event('pay_unknown', { type: 'constructor' }))).toMatchObject({ status: 422, body: { error_codes: ['event_type_unknown'] } });
    expect(await platform.api('POST', '/events', event('pay_fine'))).toMatchObject({ status: 202 });
  }, 30_000);

  it('answers 404 not_found for a malformed path id on every route that takes one', async () => {
    const answers = new Map<string, number>();
    for (const [method, path, asAdmin] of PATH_ROUTES) {
      for (const id of HOSTILE_IDS) {
        const body = method === 'POST' ? {} : undefined;
        const res = asAdmin ? await platform.admin(method, path(id), body) : await platform.api(method, path(id), body);
        answers.set(`${method} ${path(id).slice(0, 80)}`, res.status);
      }
    }
    const wrong = [...answers].filter(([, status]) => status !== 404);
    expect(wrong).toEqual([]);
    expect((await platform.api('GET', '/workflows/%00')).body).toMatchObject({ error_type: 'not_found' });
  }, 60_000);

  it('answers 401 for hostile Authorization headers, 400 where HTTP itself refuses the bytes', async () => {
    const port = Number(new URL(platform.url('gateway')).port);
    const statuses: number[] = [];
    for (const value of [
      Buffer.from('Bearer sk_\u0000abc', 'latin1'),
      Buffer.from('Bearer sk_\u00ff\u00fe\u0080', 'latin1'),
      Buffer.from('Bearer sk_\u007f', 'latin1'),
      Buffer.from('sk_\u0001\u001f', 'latin1'),
      Buffer.from([0x42, 0x65, 0x61, 0x72, 0x65, 0x72, 0x20, 0xed, 0xa0, 0x80]),
      Buffer.from(`Bearer sk_${'x'.repeat(6000)}`),
    ]) {
      const head = Buffer.concat([Buffer.from('GET /workflows HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: '), value, Buffer.from('\r\n')]);
      statuses.push(await rawRequest(port, head));
    }
    for (const status of statuses) expect([400, 401]).toContain(status);
    expect(statuses.filter((s) => s === 401).length).toBeGreaterThanOrEqual(3);
    expect((await platform.api('GET', '/workflows', undefined, { authorization: 'Bearer sk_\u00e9\u00ff' })).status).toBe(401);
  }, 30_000);

  it("answers 503 with Retry-After while event-ingest's Postgres is down, and 202 once it is back", async () => {
    await ingestDb.close();
    try {
      const down = await platform.api('POST', '/events', event('pay_while_down', { id: 'while-down-1' }));
      expect(down).toMatchObject({ status: 503, body: { error_type: 'service_unavailable', error_codes: ['postgres_unavailable'] } });
      expect(down.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      await ingestDb.open();
    }
    await waitFor(async () => (await platform.api('POST', '/events', event('pay_while_down', { id: 'while-down-1' }))).status === 202, {
      timeoutMs: 30_000,
      what: 'ingest to accept again',
    });
  }, 60_000);

  it("answers 503 with Retry-After while the gateway's own Postgres (tenants and keys) is down", async () => {
    await gatewayDb.close();
    try {
      for (const [method, path] of [
        ['GET', '/workflows'],
        ['POST', '/events'],
      ]) {
        const res = await platform.api(method, path, method === 'POST' ? event('pay_gateway_down') : undefined);
        expect({ path, status: res.status, type: res.body?.error_type }).toEqual({ path, status: 503, type: 'service_unavailable' });
        expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      }
      const createTenant = await platform.admin('POST', '/admin/tenants', { name: 'Down Ltd' });
      expect(createTenant.status).toBe(503);
    } finally {
      await gatewayDb.open();
    }
    await waitFor(async () => (await platform.api('GET', '/workflows')).status === 200, { timeoutMs: 30_000, what: 'the gateway to answer again' });
  }, 60_000);
});
