import { TestPlatform } from '@hookstream/testing';

const action = (extra: Record<string, unknown> = {}) => ({ type: 'webhook', url: 'https://example.com/hook', ...extra });
const workflow = (extra: Record<string, unknown> = {}) => ({
  name: 'Bounded',
  conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
  actions: [action()],
  ...extra,
});
const many = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));
const longUrl = `https://example.com/${'p'.repeat(2_048)}`;

/**
 * The Workflows API refuses, with 422 and the code that names why, what
 * would later stop the pipeline: retry delays no date can hold, and
 * workflows past what one may hold. On every route that changes a workflow,
 * with the default limits of workflow-config.
 */
describe('workflow limits through the gateway', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await new TestPlatform({ label: 'wflimits', services: ['gateway', 'workflow-config'] }).start();
  }, 120_000);

  afterAll(async () => {
    await platform?.stop();
  }, 30_000);

  async function expectRefused(method: string, path: string, body: unknown, codes: string[]): Promise<void> {
    const res = await platform.api(method, path, body);
    expect({ status: res.status, body: res.body }).toMatchObject({ status: 422, body: { error_type: 'request_invalid' } });
    for (const code of codes) expect(res.body.error_codes).toContain(code);
  }

  async function created(body: unknown): Promise<{ id: string; actionId: string; conditionId: string }> {
    const res = await platform.api('POST', '/workflows', body);
    expect(res.status).toBe(201);
    const state = (await platform.api('GET', `/workflows/${res.body.id}`)).body;
    return { id: res.body.id, actionId: state.actions[0].id, conditionId: state.conditions[0].id };
  }

  const actionCases: [string, Record<string, unknown>][] = [
    ['retry_policy_invalid', action({ retry_policy: [300_000_000_000_000] })],
    ['retry_delay_too_short', action({ retry_policy: [10] })],
    ['retry_policy_invalid', action({ retry_policy: many(26, () => 1_000) })],
    ['retry_policy_invalid', action({ retry_policy: many(5, () => 7 * 24 * 3_600_000) })],
    ['timeout_ms_invalid', action({ timeout_ms: 1e308 })],
    ['url_required', { type: 'webhook' }],
    ['url_too_long', action({ url: longUrl })],
    ['url_invalid', action({ url: 'https://example.com/\u0000' })],
    ['headers_too_many', action({ headers: Object.fromEntries(many(21, (i) => [`X-H${i}`, 'v'])) })],
    ['headers_too_large', action({ headers: { 'X-Big': 'v'.repeat(8_200) } })],
    ['header_name_invalid', action({ headers: { 'Bad Name': 'v' } })],
    ['header_name_reserved', action({ headers: { 'Content-Length': '5' } })],
    ['header_name_reserved', action({ headers: { 'X-Hookstream-Tenant': 'ten_other' } })],
    ['header_value_invalid', action({ headers: { 'X-A': 'a\u0000b' } })],
    ['header_value_invalid', action({ headers: { 'X-A': 'a\r\nX-Injected: 1' } })],
    ['signature_key_too_long', action({ signature: { method: 'HMACSHA256', key: 'k'.repeat(257) } })],
  ];

  it.each(actionCases)('create, PATCH, add and replace an action: 422 %s', async (code, bad) => {
    const { id, actionId } = await created(workflow());
    await expectRefused('POST', '/workflows', workflow({ actions: [bad] }), [code]);
    await expectRefused('PATCH', `/workflows/${id}`, { actions: [bad] }, [code]);
    await expectRefused('POST', `/workflows/${id}/actions`, bad, [code]);
    await expectRefused('PUT', `/workflows/${id}/actions/${actionId}`, bad, [code]);
    // Nothing changed.
    expect((await platform.api('GET', `/workflows/${id}`)).body.actions).toEqual([expect.objectContaining({ id: actionId, url: 'https://example.com/hook' })]);
  });

  const conditionCases: [string, Record<string, unknown>][] = [
    ['entities_too_many', { type: 'entity', entities: many(501, (i) => `ent_${i}`) }],
    ['processing_channels_too_many', { type: 'processing_channel', processing_channels: many(501, (i) => `pc_${i}`) }],
    ['events_too_many', { type: 'event', events: Object.fromEntries(many(101, (i) => [`source${i}`, ['payment_approved']])) }],
    ['events_invalid', { type: 'event', events: { 'gate\u0000way': ['payment_approved'] } }],
    ['entity_id_invalid', { type: 'entity', entities: [`ent_${'a'.repeat(200)}`] }],
  ];

  it.each(conditionCases)('create, PATCH, add and replace a condition: 422 %s', async (code, bad) => {
    const { id, conditionId } = await created(workflow());
    await expectRefused('POST', '/workflows', workflow({ conditions: [bad] }), [code]);
    await expectRefused('PATCH', `/workflows/${id}`, { conditions: [bad] }, [code]);
    await expectRefused('PUT', `/workflows/${id}/conditions/${conditionId}`, bad, [code]);
    const { id: entityless } = await created(workflow());
    if (bad.type !== 'event') await expectRefused('POST', `/workflows/${entityless}/conditions`, bad, [code]);
  });

  it('a __proto__ source or header in raw JSON is refused, not stored', async () => {
    const before = (await platform.api('GET', '/workflows')).body.data.length;
    const events = `{"name":"proto","conditions":[{"type":"event","events":{"__proto__":["payment_approved"]}}],"actions":[{"type":"webhook","url":"https://example.com/hook"}]}`;
    const headers = `{"name":"proto","conditions":[{"type":"event","events":{"gateway":["payment_approved"]}}],"actions":[{"type":"webhook","url":"https://example.com/hook","headers":{"__proto__":"x"}}]}`;
    for (const raw of [events, headers]) {
      const res = await platform.api('POST', '/workflows', raw);
      expect(res.status).toBe(422);
      expect(res.body.error_codes).toEqual([expect.stringMatching(/^(events_invalid|events_required|header_name_invalid)$/)]);
    }
    expect((await platform.api('GET', '/workflows')).body.data).toHaveLength(before);
  });

  it('counts actions over the whole workflow: the 21st added one by one, and the state bytes', async () => {
    await expectRefused('POST', '/workflows', workflow({ actions: many(21, () => action()) }), ['actions_too_many']);
    const { id } = await created(workflow({ actions: many(20, () => action()) }));
    await expectRefused('POST', `/workflows/${id}/actions`, action(), ['actions_too_many']);
    expect((await platform.api('GET', `/workflows/${id}`)).body.actions).toHaveLength(20);
    // Each action within its own limits, together past 64 KiB.
    const heavy = many(10, () => action({ headers: { 'X-Pad': 'v'.repeat(7_000) } }));
    await expectRefused('POST', '/workflows', workflow({ actions: heavy }), ['workflow_too_large']);
    const { id: growing } = await created(workflow({ actions: heavy.slice(0, 8) }));
    await expectRefused('POST', `/workflows/${growing}/actions`, heavy[0], ['workflow_too_large']);
  });

  it('names: too long, or holding what Postgres refuses', async () => {
    const { id } = await created(workflow());
    await expectRefused('POST', '/workflows', workflow({ name: 'n'.repeat(256) }), ['name_too_long']);
    await expectRefused('PATCH', `/workflows/${id}`, { name: 'n'.repeat(256) }, ['name_too_long']);
    await expectRefused('PATCH', `/workflows/${id}`, { name: 'lone \ud800 surrogate' }, ['name_invalid']);
    await expectRefused('PATCH', `/workflows/${id}`, { name: 'nul \u0000' }, ['name_invalid']);
  });

  it('MyCashflow subscriptions: the URL is bounded and required', async () => {
    await expectRefused('POST', '/api/v1/webhooks', { topic: 'order.created' }, ['url_required']);
    await expectRefused('POST', '/api/v1/webhooks', { topic: 'order.created', url: longUrl }, ['url_too_long']);
    await expectRefused('POST', '/api/v1/webhooks', { topic: 'order.created', url: 'https://example.com', expands: ['pay\u0000ments'] }, ['expands_invalid']);
    expect((await platform.api('POST', '/api/v1/webhooks', { topic: 'order.created', url: 'https://example.com/hook' })).status).toBe(201);
  });

  it('takes what is within every limit, presets and the longest custom schedule included', async () => {
    for (const retry_policy of ['checkout', 'caf', 'mycashflow', 'standard-webhooks', [1_000, 7 * 24 * 3_600_000], many(25, () => 24 * 3_600_000)]) {
      const res = await platform.api('POST', '/workflows', workflow({ actions: [action({ retry_policy, timeout_ms: 60_000 })] }));
      expect(res.status).toBe(201);
    }
    const full = workflow({
      name: 'n'.repeat(255),
      actions: [action({ url: `https://example.com/${'p'.repeat(2_000)}`, headers: Object.fromEntries(many(20, (i) => [`X-H${i}`, 'v'.repeat(300)])), signature: { key: 'k'.repeat(256) } })],
    });
    expect((await platform.api('POST', '/workflows', full)).status).toBe(201);
  });
});
