import { Client } from 'pg';
import { newId, Topics, WorkflowState } from '@hookstream/contracts';
import { TestPlatform, testInfra, TopicRecorder, waitFor } from '@hookstream/testing';

// The seed documents' own bodies (checkout-workflows-guide.txt, mycashflow-webhooks.txt).
const guideWorkflow = {
  name: 'Webhooks workflow',
  active: true,
  conditions: [
    {
      type: 'event',
      events: {
        gateway: [
          'payment_approved',
          'payment_declined',
          'card_verification_declined',
          'card_verified',
          'payment_authorization_incremented',
          'payment_authorization_increment_declined',
          'payment_capture_declined',
          'payment_captured',
          'payment_refund_declined',
          'payment_refunded',
          'payment_void_declined',
          'payment_voided',
        ],
        dispute: ['dispute_canceled', 'dispute_evidence_required', 'dispute_expired', 'dispute_lost', 'dispute_resolved', 'dispute_won'],
      },
    },
    { type: 'entity', entities: ['ent_xyfdshfudosfdshfdiosfds', 'ent_fidjosfjdisofdjsifdosfu'] },
    { type: 'processing_channel', processing_channels: ['pc_axclravnqf5u5ejkweijnp5zc4'] },
  ],
  actions: [
    {
      type: 'webhook',
      url: 'https://example.com/webhooks',
      headers: { Authorization: '70ed20ff-ba31-4ea3-b3ef-772f2be1cbdf' },
      signature: { method: 'HMACSHA256', key: '8V8x0dLK%AyD*DNS8JJr' },
    },
  ],
};
const guidePatch = { name: 'Webhooks workflow', active: true };
const guideActionUpdate = {
  type: 'webhook',
  url: 'https://example.com/webhooks/checkout',
  headers: { Authorization: '70ed20ff-ba31-4ea3-b3ef-772f2be1cbdf' },
  signature: { method: 'HMACSHA256', key: 'public-signing-key' },
};
const guideConditionUpdate = {
  type: 'event',
  events: {
    gateway: ['card_verified', 'card_verification_declined', 'payment_approved', 'payment_pending', 'payment_declined', 'payment_voided', 'payment_captured', 'payment_refunded'],
    dispute: ['dispute_canceled', 'dispute_evidence_required', 'dispute_expired', 'dispute_lost', 'dispute_resolved', 'dispute_won'],
  },
};
const mycashflowSubscription = { topic: 'order.created', expands: ['payments', 'shipments'], url: 'https://www.example.com' };

describe('gateway Workflows API against workflow-config, Postgres and Kafka', () => {
  let platform: TestPlatform;
  let topic: TopicRecorder;

  beforeAll(async () => {
    platform = await new TestPlatform({ label: 'wfapi', services: ['gateway', 'workflow-config'] }).start();
    topic = await new TopicRecorder(platform.prefix, Topics.workflowConfig).start();
  }, 180_000);

  afterAll(async () => {
    await topic?.stop();
    await platform?.stop();
  }, 60_000);

  /** The newest value the config topic holds for a workflow (undefined: none yet). */
  const latest = (id: string) => {
    const mine = topic.json<WorkflowState>().filter((m) => m.key === id);
    return mine.length === 0 ? undefined : mine[mine.length - 1];
  };
  const awaitState = (id: string, check: (m: ReturnType<typeof latest>) => boolean, what: string) =>
    waitFor(async () => check(latest(id)), { timeoutMs: 20_000, intervalMs: 100, what });

  it('creates, reads, patches and deletes the guide workflow, publishing each state to the config topic', async () => {
    const created = await platform.api('POST', '/workflows', guideWorkflow);
    expect(created.status).toBe(201);
    expect(created.headers.get('cko-request-id')).toBeTruthy();
    const id: string = created.body.id;
    expect(id).toMatch(/^wf_[a-z2-7]{26}$/);
    expect(created.body._links.self.href).toBe(`${platform.url('gateway')}/workflows/${id}`);

    const list = await platform.api('GET', '/workflows');
    expect(list.status).toBe(200);
    expect(list.body.data).toContainEqual({ id, name: 'Webhooks workflow', active: true, _links: { self: { href: `${platform.url('gateway')}/workflows/${id}` } } });

    const got = await platform.api('GET', `/workflows/${id}`);
    expect(got.status).toBe(200);
    expect(got.body.conditions.map((c: { type: string }) => c.type)).toEqual(['event', 'entity', 'processing_channel']);
    expect(got.body.conditions[1].entities).toEqual(['ent_xyfdshfudosfdshfdiosfds', 'ent_fidjosfjdisofdjsifdosfu']);
    const [action] = got.body.actions;
    expect(action.id).toMatch(/^wfa_[a-z2-7]{26}$/);
    // Secrets masked: first 4 characters, then '*'.
    expect(action.headers.Authorization).toMatch(/^70ed\*+$/);
    expect(action.signature).toEqual({ method: 'HMACSHA256', key: expect.stringMatching(/^8V8x\*+$/) });
    expect(JSON.stringify(got.body)).not.toContain('70ed20ff-ba31');
    expect(JSON.stringify(got.body)).not.toContain('whsec_');
    expect(action.disabled_at).toBeNull();

    // The topic carries the full state with the real secrets, for delivery.
    await awaitState(id, (m) => m?.value?.version === 1, 'created state on the topic');
    const first = latest(id)!.value!;
    expect(first.actions[0].headers.Authorization).toBe('70ed20ff-ba31-4ea3-b3ef-772f2be1cbdf');
    expect(first.actions[0].signing_secrets[0]).toMatch(/^whsec_/);
    expect(first.tenant_id).toBe(platform.tenantId);

    const patched = await platform.api('PATCH', `/workflows/${id}`, { ...guidePatch, name: 'Renamed', active: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', active: false });
    expect((await platform.api('PATCH', `/workflows/${id}`, guidePatch)).body).toMatchObject(guidePatch);
    await awaitState(id, (m) => m?.value?.version === 3, 'patched state on the topic');
    expect(latest(id)!.value).toMatchObject({ name: 'Webhooks workflow', active: true, version: 3 });

    expect((await platform.api('DELETE', `/workflows/${id}`)).status).toBe(204);
    await awaitState(id, (m) => m !== undefined && m.value === null, 'tombstone on the topic');
    expect((await platform.api('GET', `/workflows/${id}`)).status).toBe(404);
    expect((await platform.api('DELETE', `/workflows/${id}`)).status).toBe(404);
  }, 60_000);

  it('adds, updates and removes actions and conditions with the guide bodies', async () => {
    const { body } = await platform.api('POST', '/workflows', guideWorkflow);
    const id: string = body.id;
    const original = (await platform.api('GET', `/workflows/${id}`)).body;

    const addedAction = await platform.api('POST', `/workflows/${id}/actions`, { ...guideActionUpdate, format: 'cloudevents', retry_policy: [1000, 2000] });
    expect(addedAction.status).toBe(201);
    expect(addedAction.body.id).toMatch(/^wfa_[a-z2-7]{26}$/);
    expect(addedAction.body._links.self.href).toBe(`${platform.url('gateway')}/workflows/${id}/actions/${addedAction.body.id}`);

    const updatedAction = await platform.api('PUT', `/workflows/${id}/actions/${original.actions[0].id}`, guideActionUpdate);
    expect(updatedAction.status).toBe(200);
    expect(updatedAction.body).toMatchObject({ url: 'https://example.com/webhooks/checkout', signature: { key: expect.stringMatching(/^publ\*+$/) } });

    expect((await platform.api('DELETE', `/workflows/${id}/actions/${addedAction.body.id}`)).status).toBe(204);
    const lastAction = await platform.api('DELETE', `/workflows/${id}/actions/${original.actions[0].id}`);
    expect(lastAction.status).toBe(422);
    expect(lastAction.body.error_codes).toEqual(['actions_required']);

    const eventCondition = original.conditions.find((c: { type: string }) => c.type === 'event');
    const updatedCondition = await platform.api('PUT', `/workflows/${id}/conditions/${eventCondition.id}`, guideConditionUpdate);
    expect(updatedCondition.status).toBe(200);
    const entityCondition = original.conditions.find((c: { type: string }) => c.type === 'entity');
    expect((await platform.api('DELETE', `/workflows/${id}/conditions/${entityCondition.id}`)).status).toBe(204);
    const addedCondition = await platform.api('POST', `/workflows/${id}/conditions`, { type: 'entity', entities: ['ent_xyfdshfudosfdshfdiosfds'] });
    expect(addedCondition.status).toBe(201);
    expect(addedCondition.body.id).toMatch(/^wfc_[a-z2-7]{26}$/);
    const duplicate = await platform.api('POST', `/workflows/${id}/conditions`, { type: 'entity', entities: ['ent_abc'] });
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.error_codes).toEqual(['condition_type_duplicate']);

    // 1 create + 6 changes: the topic's latest state is version 7 with every change in it.
    await awaitState(id, (m) => m?.value?.version === 7, 'version 7 on the topic');
    const state = latest(id)!.value!;
    expect(state.actions).toHaveLength(1);
    expect(state.actions[0]).toMatchObject({ url: 'https://example.com/webhooks/checkout', signature: { key: 'public-signing-key' } });
    expect(state.actions[0].signing_secrets).toEqual((await internalState(id)).actions[0].signing_secrets);
    expect(state.conditions.find((c) => c.type === 'event')).toMatchObject({ events: guideConditionUpdate.events });
    expect(state.conditions.find((c) => c.type === 'entity')).toMatchObject({ id: addedCondition.body.id });
  }, 60_000);

  async function internalState(id: string): Promise<WorkflowState> {
    const res = await fetch(`${platform.url('workflow-config')}/internal/workflows/${id}`, { headers: { 'x-hookstream-tenant': platform.tenantId } });
    expect(res.status).toBe(200);
    return (await res.json()) as WorkflowState;
  }

  it('answers the event-type catalog in the reference shape', async () => {
    const res = await platform.api('GET', '/workflows/event-types');
    expect(res.status).toBe(200);
    const ids = res.body.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['gateway', 'dispute', 'authentication', 'orders', 'transactions']));
    const orders = res.body.find((s: { id: string }) => s.id === 'orders');
    expect(orders).toMatchObject({ display_name: expect.any(String), description: expect.any(String) });
    expect(orders.events).toContainEqual({ id: 'order.created', display_name: expect.any(String), description: expect.any(String) });
  });

  it('creates, lists, reads and deletes a MyCashflow subscription (a workflow underneath)', async () => {
    const created = await platform.api('POST', '/api/v1/webhooks', mycashflowSubscription);
    expect(created.status).toBe(201);
    const data = created.body.data;
    expect(data).toMatchObject({ ...mycashflowSubscription, user_id: platform.tenantId, uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(data.secret).toMatch(/^whsec_/);

    const list = await platform.api('GET', '/api/v1/webhooks');
    expect(list.body.data).toContainEqual({ ...mycashflowSubscription, uuid: data.uuid, user_id: platform.tenantId });
    const got = await platform.api('GET', `/api/v1/webhooks/${data.uuid}`);
    expect(got.body.data).toEqual({ ...mycashflowSubscription, uuid: data.uuid, user_id: platform.tenantId });

    await waitFor(async () => topic.json<WorkflowState>().some((m) => m.value?.subscription?.uuid === data.uuid), { timeoutMs: 20_000, what: 'subscription on the topic' });
    const state = topic.json<WorkflowState>().find((m) => m.value?.subscription?.uuid === data.uuid)!.value!;
    expect(state.conditions).toEqual([{ id: expect.any(String), type: 'event', events: { orders: ['order.created'] } }]);
    expect(state.actions[0]).toMatchObject({ url: 'https://www.example.com', format: 'mycashflow', retry_policy: 'mycashflow', signing_secrets: [data.secret] });

    expect((await platform.api('DELETE', `/api/v1/webhooks/${data.uuid}`)).status).toBe(204);
    expect((await platform.api('GET', `/api/v1/webhooks/${data.uuid}`)).status).toBe(404);
    await awaitState(state.id, (m) => m !== undefined && m.value === null, 'subscription tombstone');

    const unknown = await platform.api('POST', '/api/v1/webhooks', { ...mycashflowSubscription, topic: 'order.teleported' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error_codes).toEqual(['event_type_unknown']);
  }, 60_000);

  const withCondition = (condition: unknown) => ({ ...guideWorkflow, conditions: [condition] });
  const withAction = (action: unknown) => ({ ...guideWorkflow, actions: [action] });
  const invalidBodies: [string, unknown][] = [
    ['name_required', { ...guideWorkflow, name: '' }],
    ['active_invalid', { ...guideWorkflow, active: 'yes' }],
    ['conditions_required', { ...guideWorkflow, conditions: [] }],
    ['actions_required', { ...guideWorkflow, actions: [] }],
    ['field_unknown', { ...guideWorkflow, colour: 'blue' }],
    ['condition_type_duplicate', { ...guideWorkflow, conditions: [guideWorkflow.conditions[0], guideWorkflow.conditions[0]] }],
    ['condition_type_invalid', withCondition({ type: 'amount' })],
    ['event_type_unknown', withCondition({ type: 'event', events: { gateway: ['payment_teleported'] } })],
    ['entity_id_invalid', withCondition({ type: 'entity', entities: ['entity_1'] })],
    ['processing_channel_id_invalid', withCondition({ type: 'processing_channel', processing_channels: ['channel'] })],
    ['action_type_invalid', withAction({ type: 'email', url: 'https://example.com' })],
    ['url_invalid', withAction({ type: 'webhook', url: '/relative/path' })],
    ['url_invalid', withAction({ type: 'webhook', url: 'ftp://example.com/x' })],
    ['headers_invalid', withAction({ type: 'webhook', url: 'https://example.com', headers: { Authorization: 42 } })],
    ['signature_invalid', withAction({ type: 'webhook', url: 'https://example.com', signature: { method: 'MD5', key: 'k' } })],
    ['format_invalid', withAction({ type: 'webhook', url: 'https://example.com', format: 'xml' })],
  ];

  it.each(invalidBodies)('answers 422 %s', async (code, body) => {
    const res = await platform.api('POST', '/workflows', body);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ request_id: res.headers.get('cko-request-id'), error_type: 'request_invalid' });
    expect(res.body.error_codes).toContain(code);
  });

  it('answers 400 for invalid JSON, 413 for oversize bodies, 404 for unknown ids and routes', async () => {
    const malformed = await platform.api('POST', '/workflows', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ request_id: expect.any(String) });
    const huge = await platform.api('POST', '/workflows', { ...guideWorkflow, name: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    const missing = await platform.api('GET', '/workflows/wf_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ request_id: missing.headers.get('cko-request-id'), error_type: 'not_found' });
  });

  it('answers 401 without a valid key, and 404 for another tenant’s workflow', async () => {
    for (const authorization of ['', 'sk_wrong', 'Bearer sk_wrong', platform.adminKey]) {
      const res = await platform.api('GET', '/workflows', undefined, { authorization });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ request_id: res.headers.get('cko-request-id'), error_type: 'unauthorized' });
    }
    expect((await platform.api('GET', '/workflows', undefined, { authorization: platform.apiKey })).status).toBe(200);

    const other = await platform.api('POST', '/admin/tenants', { name: 'Other Ltd' }, { authorization: `Bearer ${platform.adminKey}` });
    expect(other.status).toBe(201);
    expect(other.body.api_key).toMatch(/^sk_/);
    expect((await platform.api('POST', '/admin/tenants', { name: 'x' })).status).toBe(401);
    const otherKey = { authorization: other.body.api_key };

    const mine = (await platform.api('POST', '/workflows', guideWorkflow)).body.id;
    expect((await platform.api('GET', `/workflows/${mine}`, undefined, otherKey)).status).toBe(404);
    expect((await platform.api('PATCH', `/workflows/${mine}`, guidePatch, otherKey)).status).toBe(404);
    expect((await platform.api('DELETE', `/workflows/${mine}`, undefined, otherKey)).status).toBe(404);
    expect((await platform.api('GET', '/workflows', undefined, otherKey)).body.data).toEqual([]);

    const secondKey = await platform.api('POST', `/admin/tenants/${other.body.id}/keys`, undefined, { authorization: `Bearer ${platform.adminKey}` });
    expect(secondKey.status).toBe(201);
    expect((await platform.api('GET', '/workflows', undefined, { authorization: `Bearer ${secondKey.body.api_key}` })).status).toBe(200);
  });

  it('publishes a change committed before a crash once workflow-config is back', async () => {
    const config = platform.service('workflow-config');
    await config.kill();
    // A change committed by the store, whose relay never ran: the outbox row is all that remains.
    const id = newId('wf');
    const state: WorkflowState = {
      id,
      tenant_id: platform.tenantId,
      name: 'committed before the crash',
      active: true,
      version: 1,
      conditions: [{ id: newId('wfc'), type: 'event', events: { gateway: ['payment_approved'] } }],
      actions: [],
      subscription: null,
      updated_at: new Date().toISOString(),
    };
    const db = new Client({ connectionString: testInfra().databaseUrl });
    await db.connect();
    const schema = `${platform.prefix.toLowerCase()}workflow_config`;
    try {
      await db.query('BEGIN');
      await db.query(`INSERT INTO "${schema}".workflows (id, tenant_id, state) VALUES ($1, $2, $3)`, [id, platform.tenantId, state]);
      await db.query(`INSERT INTO "${schema}".config_outbox (workflow_id, state) VALUES ($1, $2)`, [id, state]);
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
    expect(latest(id)).toBeUndefined();
    await config.start();
    await awaitState(id, (m) => m?.value?.name === 'committed before the crash', 'outbox published after restart');
    expect((await platform.api('GET', `/workflows/${id}`)).body.name).toBe('committed before the crash');
  }, 120_000);
});
