import { TestPlatform } from '@hookstream/testing';

const event = (i: number) => ({ source: 'gateway', type: 'payment_approved', subject_id: `sub_rate_${i}`, data: { i } });

/**
 * Each tenant's events over HTTP are held to its rate in the gateway: a
 * tenant past its burst gets 429 rate_limit_exceeded with Retry-After
 * (a batch costs its events), while another tenant's go through untouched.
 * The rate is one event per 1,000 s, so only the burst of 5 counts: the
 * test counts requests, not time.
 */
describe('per-tenant ingest rate limit through the gateway', () => {
  const platform = new TestPlatform({
    label: 'ingestrate',
    services: ['gateway', 'workflow-config', 'event-ingest'],
    env: { INGEST_RATE_LIMIT_PER_SECOND: '0.001', INGEST_RATE_LIMIT_BURST: '5' },
  });
  let quiet: { api_key: string };

  beforeAll(async () => {
    await platform.start();
    const created = await platform.admin('POST', '/admin/tenants', { name: 'Quiet' });
    expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
    quiet = created.body;
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
  }, 30_000);

  it('answers 429 with Retry-After past the burst, counting a batch by its events; another tenant is not held', async () => {
    for (let i = 0; i < 3; i++) expect((await platform.api('POST', '/events', event(i))).status).toBe(202);
    // 2 left: a batch of 3 does not fit, one of 2 does.
    const tooBig = await platform.api('POST', '/events/batch', [event(3), event(4), event(5)]);
    expect(tooBig.status).toBe(429);
    expect((await platform.api('POST', '/events/batch', [event(3), event(4)])).status).toBe(202);

    const refused = await platform.api('POST', '/events', event(6));
    expect({ status: refused.status, body: refused.body }).toEqual({
      status: 429,
      body: { request_id: refused.headers.get('cko-request-id'), error_type: 'too_many_requests', error_codes: ['rate_limit_exceeded'] },
    });
    // One event per 1,000 s: a whole number of seconds, at least 1, and honest.
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(900);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(1_000);
    expect((await platform.api('POST', '/events/batch', [event(7)])).status).toBe(429);

    // The quiet tenant has its whole burst, in one batch.
    const asQuiet = { authorization: `Bearer ${quiet.api_key}` };
    const batch = await platform.api('POST', '/events/batch', [event(10), event(11), event(12), event(13), event(14)], asQuiet);
    expect(batch.status).toBe(202);
    expect(batch.body.ids).toHaveLength(5);
    expect((await platform.api('POST', '/events', event(15), asQuiet)).status).toBe(429);
  }, 60_000);

  it('counts refusals in the gateway metrics', async () => {
    const metrics = await (await fetch(`${platform.opsUrl('gateway')}/metrics`)).text();
    expect(metrics).toMatch(/hookstream_gateway_ingest_rate_limited_total\{route="events",service="gateway"\} 2/);
    expect(metrics).toMatch(/hookstream_gateway_ingest_rate_limited_total\{route="batch",service="gateway"\} 2/);
  });
});
