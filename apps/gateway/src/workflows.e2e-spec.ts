import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { mapActionSecrets, Topics, WorkflowState } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { DEVELOPMENT_KEY_RING, isSealed, KeyRing } from '@hookstream/secrets';
import { checkoutExampleAction, TestPlatform, testInfra, testLogger, TopicRecorder, waitFor, WORKSPACE_ROOT } from '@hookstream/testing';

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
  actions: [checkoutExampleAction()],
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

/** The platform runs on the default development key ring. */
const keyRing = KeyRing.parse(DEVELOPMENT_KEY_RING);
const opened = (state: WorkflowState): WorkflowState => ({ ...state, actions: state.actions.map((a) => mapActionSecrets(a, (s) => keyRing.open(s))) });

describe('gateway Workflows API against workflow-config, Postgres and Kafka', () => {
  let platform: TestPlatform;
  let topic: TopicRecorder;
  let kafka: KafkaConnection;

  beforeAll(async () => {
    platform = await new TestPlatform({ label: 'wfapi', services: ['gateway', 'workflow-config'] }).start();
    topic = await new TopicRecorder(platform.prefix, Topics.workflowConfig).start();
    // Stands in for delivery, which reports receivers that answered 410.
    kafka = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'wfapi-delivery', topicPrefix: platform.prefix, logger: testLogger() });
    await kafka.connect();
  }, 180_000);

  afterAll(async () => {
    await kafka?.disconnect();
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

    // workflow-config links to the base URL the gateway passes, whatever its own PUBLIC_BASE_URL.
    const direct = await platform.internal('workflow-config', 'GET', `/internal/api/workflows/${id}`, {
      tenantId: platform.tenantId,
      headers: { 'x-hookstream-base-url': 'https://hooks.example.com' },
    });
    expect(((await direct.json()) as { _links: unknown })._links).toEqual({ self: { href: `https://hooks.example.com/workflows/${id}` } });

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

    // The topic carries the full state with the secrets sealed, for delivery to open.
    await awaitState(id, (m) => m?.value?.version === 1, 'created state on the topic');
    const first = latest(id)!.value!;
    expect(isSealed(first.actions[0].headers.Authorization)).toBe(true);
    expect(opened(first).actions[0].headers.Authorization).toBe('70ed20ff-ba31-4ea3-b3ef-772f2be1cbdf');
    expect(opened(first).actions[0].signing_secrets[0]).toMatch(/^whsec_/);
    expect(first.tenant_id).toBe(platform.tenantId);

    const patched = await platform.api('PATCH', `/workflows/${id}`, { ...guidePatch, name: 'Renamed', active: false });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Renamed', active: false });
    expect((await platform.api('PATCH', `/workflows/${id}`, guidePatch)).body).toMatchObject(guidePatch);
    // One version per domain event: each PATCH renamed and (de)activated the workflow.
    await awaitState(id, (m) => m?.value?.version === 5, 'patched state on the topic');
    expect(latest(id)!.value).toMatchObject({ name: 'Webhooks workflow', active: true, version: 5 });
    // Nothing to change: the same workflow, no new version.
    const unchanged = await platform.api('PATCH', `/workflows/${id}`, {});
    expect(unchanged.status).toBe(200);
    expect(unchanged.body).toEqual((await platform.api('GET', `/workflows/${id}`)).body);
    expect((await internalState(id)).version).toBe(5);

    // The request id of an answer is in the gateway's log lines of that request, with the tenant.
    const requestId = unchanged.headers.get('cko-request-id');
    await waitFor(async () => logLines('gateway').some((l) => l.requestId === requestId), { timeoutMs: 5000, what: 'the request in the gateway log' });
    expect(logLines('gateway').filter((l) => l.requestId === requestId)).toContainEqual(
      expect.objectContaining({ msg: 'request handled', method: 'PATCH', status: 200, tenantId: platform.tenantId }),
    );

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

    // Each sub-resource's own errors; none of them changes the workflow.
    const errors: [string, string, unknown, number, string[]?][] = [
      ['PUT', `/workflows/${id}/conditions/${eventCondition.id}`, { type: 'event', events: { gateway: ['payment_teleported'] } }, 422, ['event_type_unknown']],
      ['PATCH', `/workflows/${id}`, { conditions: [{ type: 'event', events: { orders: ['order.teleported'] } }] }, 422, ['event_type_unknown']],
      ['PUT', `/workflows/${id}/actions/${original.actions[0].id}`, { type: 'webhook', url: 'example.com/no-scheme' }, 422, ['url_invalid']],
      ['POST', `/workflows/${id}/actions`, { type: 'webhook', url: 'https://example.com', timeout_ms: 0 }, 422, ['timeout_ms_invalid']],
      ['PUT', `/workflows/${id}/actions/wfa_aaaaaaaaaaaaaaaaaaaaaaaaaa`, guideActionUpdate, 404],
      ['DELETE', `/workflows/${id}/conditions/wfc_aaaaaaaaaaaaaaaaaaaaaaaaaa`, undefined, 404],
      ['POST', `/workflows/wf_aaaaaaaaaaaaaaaaaaaaaaaaaa/actions`, guideActionUpdate, 404],
    ];
    for (const [method, path, body, status, codes] of errors) {
      const res = await platform.api(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status });
      if (codes) expect(res.body.error_codes).toEqual(codes);
    }
    const processingChannel = original.conditions.find((c: { type: string }) => c.type === 'processing_channel');
    expect((await platform.api('DELETE', `/workflows/${id}/conditions/${processingChannel.id}`)).status).toBe(204);
    expect((await platform.api('DELETE', `/workflows/${id}/conditions/${addedCondition.body.id}`)).status).toBe(204);
    const lastCondition = await platform.api('DELETE', `/workflows/${id}/conditions/${eventCondition.id}`);
    expect(lastCondition.status).toBe(422);
    expect(lastCondition.body.error_codes).toEqual(['conditions_required']);

    // 1 create + 8 changes: the topic's latest state is version 9 with every change in it.
    await awaitState(id, (m) => m?.value?.version === 9, 'version 9 on the topic');
    const state = opened(latest(id)!.value!);
    expect(state.actions).toHaveLength(1);
    expect(state.actions[0]).toMatchObject({ url: 'https://example.com/webhooks/checkout', signature: { key: 'public-signing-key' } });
    expect(state.actions[0].signing_secrets).toEqual(opened(await internalState(id)).actions[0].signing_secrets);
    expect(state.conditions).toEqual([{ id: eventCondition.id, type: 'event', events: guideConditionUpdate.events }]);
  }, 60_000);

  /** A service's JSON log lines. */
  const logLines = (service: 'gateway' | 'workflow-config'): Record<string, unknown>[] =>
    platform
      .service(service)
      .logs.split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  async function internalState(id: string): Promise<WorkflowState> {
    const res = await platform.internal('workflow-config', 'GET', `/internal/workflows/${id}`, { tenantId: platform.tenantId });
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
    expect(data).toMatchObject({ ...mycashflowSubscription, user_id: expect.any(Number), uuid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(data.secret).toMatch(/^whsec_/);

    const list = await platform.api('GET', '/api/v1/webhooks');
    expect(list.body.data).toContainEqual({ ...mycashflowSubscription, uuid: data.uuid, user_id: data.user_id });
    const got = await platform.api('GET', `/api/v1/webhooks/${data.uuid}`);
    expect(got.body.data).toEqual({ ...mycashflowSubscription, uuid: data.uuid, user_id: data.user_id });

    await waitFor(async () => topic.json<WorkflowState>().some((m) => m.value?.subscription?.uuid === data.uuid), { timeoutMs: 20_000, what: 'subscription on the topic' });
    const state = opened(topic.json<WorkflowState>().find((m) => m.value?.subscription?.uuid === data.uuid)!.value!);
    expect(state.conditions).toEqual([{ id: expect.any(String), type: 'event', events: { orders: ['order.created'] } }]);
    expect(state.actions[0]).toMatchObject({ url: 'https://www.example.com', format: 'mycashflow', retry_policy: 'mycashflow', signing_secrets: [data.secret] });

    expect((await platform.api('DELETE', `/api/v1/webhooks/${data.uuid}`)).status).toBe(204);
    expect((await platform.api('GET', `/api/v1/webhooks/${data.uuid}`)).status).toBe(404);
    await awaitState(state.id, (m) => m !== undefined && m.value === null, 'subscription tombstone');

    const unknown = await platform.api('POST', '/api/v1/webhooks', { ...mycashflowSubscription, topic: 'order.teleported' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error_codes).toEqual(['event_type_unknown']);
  }, 60_000);

  it('disables an action whose receiver answered 410, shows it, and publishes the new version', async () => {
    const id: string = (await platform.api('POST', '/workflows', guideWorkflow)).body.id;
    const action = (await internalState(id)).actions[0];
    const gone = { tenant_id: platform.tenantId, workflow_id: id, action_id: action.id, url: action.url, reason: 'receiver answered 410 Gone', disabled_at: '2026-11-22T10:00:00.000Z' };
    // A notice about a URL the action no longer has changes nothing.
    await kafka.publisher.publish(Topics.endpointDisabled, [{ value: { ...gone, url: 'https://example.com/old' } }, { value: gone }]);

    await waitFor(async () => (await platform.api('GET', `/workflows/${id}`)).body.actions[0].disabled_at !== null, { timeoutMs: 20_000, what: 'the action disabled' });
    expect((await platform.api('GET', `/workflows/${id}`)).body.actions[0]).toMatchObject({ disabled_at: gone.disabled_at, disabled_reason: gone.reason });
    await awaitState(id, (m) => m?.value?.version === 2, 'the disabled action on the topic');
    expect(latest(id)!.value!.actions[0]).toMatchObject({ disabled_at: gone.disabled_at, disabled_reason: gone.reason });
  }, 60_000);

  it('lets an operator extend the event-type catalog without code changes', async () => {
    const billing = { id: 'billing', display_name: 'Billing', events: [{ id: 'invoice.paid', display_name: 'Invoice paid' }] };
    const wantsBilling = { ...guideWorkflow, conditions: [{ type: 'event', events: { billing: ['invoice.paid'] } }] };
    expect((await platform.api('POST', '/workflows', wantsBilling)).body.error_codes).toEqual(['event_type_unknown']);

    expect((await platform.admin('POST', '/admin/event-types', billing, { authorization: `Bearer ${platform.apiKey}` })).status).toBe(401);
    const invalid = await platform.admin('POST', '/admin/event-types', { id: 'billing', events: [] });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error_codes).toEqual(['events_required']);
    const added = await platform.admin('POST', '/admin/event-types', billing);
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: 'billing', display_name: 'Billing', description: '', events: [{ id: 'invoice.paid', display_name: 'Invoice paid', description: '' }] });

    expect((await platform.api('GET', '/workflows/event-types')).body).toContainEqual(added.body);
    expect((await platform.api('POST', '/workflows', wantsBilling)).status).toBe(201);
    const subscribed = await platform.api('POST', '/api/v1/webhooks', { topic: 'invoice.paid', url: 'https://www.example.com/billing' });
    expect(subscribed.status).toBe(201);
    expect(subscribed.body.data).toMatchObject({ topic: 'invoice.paid', expands: [] });
  });

  it('forwards producer events to event-ingest, answering 503 while it cannot be reached', async () => {
    const event = { source: 'gateway', type: 'payment_approved', subject_id: 'pay_mbabizu24mvu3mela5njyhpit4', data: { amount: 100 } };
    for (const [path, body] of [['/events', event], ['/events/batch', [event]]] as const) {
      const res = await platform.api('POST', path, body);
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ request_id: res.headers.get('cko-request-id'), error_type: 'service_unavailable' });
      expect((await platform.api('POST', path, body, { authorization: '' })).status).toBe(401);
    }
  });

  it('serves its OpenAPI document, the same as the committed docs/openapi.json (regenerate: node -r ./tools/ts-register.js apps/gateway/src/openapi.ts)', async () => {
    const served = await fetch(`${platform.opsUrl('gateway')}/docs-json`);
    expect(served.status).toBe(200);
    expect(await served.json()).toEqual(JSON.parse(readFileSync(path.join(WORKSPACE_ROOT, 'docs/openapi.json'), 'utf8')));
  });

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

    const other = await platform.admin('POST', '/admin/tenants', { name: 'Other Ltd' });
    expect(other.status).toBe(201);
    expect(other.body.api_key).toMatch(/^sk_/);
    expect((await platform.admin('POST', '/admin/tenants', { name: 'x' }, { authorization: `Bearer ${platform.apiKey}` })).status).toBe(401);
    const otherKey = { authorization: other.body.api_key };

    const mine = (await platform.api('POST', '/workflows', guideWorkflow)).body.id;
    const myAction = (await platform.api('GET', `/workflows/${mine}`)).body.actions[0].id;
    const mySubscription = (await platform.api('POST', '/api/v1/webhooks', mycashflowSubscription)).body.data.uuid;
    const theirs: [string, string, unknown?][] = [
      ['GET', `/workflows/${mine}`],
      ['PATCH', `/workflows/${mine}`, guidePatch],
      ['DELETE', `/workflows/${mine}`],
      ['POST', `/workflows/${mine}/actions`, guideActionUpdate],
      ['PUT', `/workflows/${mine}/actions/${myAction}`, guideActionUpdate],
      ['POST', `/workflows/${mine}/conditions`, guideConditionUpdate],
      ['GET', `/api/v1/webhooks/${mySubscription}`],
      ['DELETE', `/api/v1/webhooks/${mySubscription}`],
    ];
    for (const [method, path, body] of theirs) {
      const res = await platform.api(method, path, body, otherKey);
      // Exactly as if it did not exist.
      expect({ method, path, status: res.status, body: res.body }).toEqual({ method, path, status: 404, body: { request_id: res.headers.get('cko-request-id'), error_type: 'not_found' } });
    }
    expect((await platform.api('GET', '/workflows', undefined, otherKey)).body.data).toEqual([]);
    expect((await platform.api('GET', '/api/v1/webhooks', undefined, otherKey)).body.data).toEqual([]);
    expect((await platform.api('GET', `/workflows/${mine}`)).body.actions[0].url).toBe(guideWorkflow.actions[0].url);

    const secondKey = await platform.admin('POST', `/admin/tenants/${other.body.id}/keys`);
    expect(secondKey.status).toBe(201);
    expect((await platform.api('GET', '/workflows', undefined, { authorization: `Bearer ${secondKey.body.api_key}` })).status).toBe(200);
  });

  it('publishes a change committed before a crash once workflow-config is back', async () => {
    const id: string = (await platform.api('POST', '/workflows', guideWorkflow)).body.id;
    await awaitState(id, (m) => m?.value?.version === 1, 'the created workflow on the topic');

    // Holding this schema's relay lock (RELAY_LOCK_CLASS of workflow-config-service's outbox relay)
    // keeps the relay from publishing: a change commits, then the service dies before it is published.
    const db = new Client({ connectionString: testInfra().databaseUrl });
    await db.connect();
    const relayLock = [72_300_001, `${platform.prefix.toLowerCase()}workflow_config`];
    const config = platform.service('workflow-config');
    try {
      await db.query('SELECT pg_advisory_lock($1, hashtext($2))', relayLock);
      const patched = await platform.api('PATCH', `/workflows/${id}`, { name: 'committed before the crash' });
      expect(patched.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(latest(id)!.value!.version).toBe(1);
      await config.kill();
    } finally {
      await db.query('SELECT pg_advisory_unlock($1, hashtext($2))', relayLock);
      await db.end();
    }

    await config.start();
    await awaitState(id, (m) => m?.value?.version === 2, 'the committed change published after the restart');
    expect(latest(id)!.value!.name).toBe('committed before the crash');
    expect((await platform.api('GET', `/workflows/${id}`)).body.name).toBe('committed before the crash');
  }, 120_000);
});
