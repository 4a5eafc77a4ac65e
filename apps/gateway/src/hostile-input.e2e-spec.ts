import fc from 'fast-check';
import { Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import {
  deeplyNested,
  HOSTILE_CHARACTERS,
  HostileJson,
  hostileJson,
  hostilePathSegment,
  hostileString,
  HttpReceiver,
  keysCoveringPartitions,
  OVERSIZED_LENGTH,
  PROTOTYPE_NAMES,
  SERVICE_NAMES,
  TestPlatform,
  testInfra,
  testLogger,
  waitFor,
  withHostileField,
} from '@hookstream/testing';

/** Fixed, so a failure is replayed exactly; bounded, so the file runs in a couple of minutes. */
const SEED = 12_2026;
const RUNS = 30;
const DELIVERY_BUDGET_MS = 20_000;
/** A first send and at most one repeat: more is a loop. */
const MAX_SENDS_PER_WEBHOOK = 2;

/** Statuses Node's HTTP server answers itself, before any of our code, without a JSON body. */
const BARE_STATUSES = new Set([414, 431]);

interface Target {
  route: string;
  field: string;
  status: number;
  body: unknown;
}

/**
 * The hostile-input property test: generated hostile values (NUL, lone
 * surrogates, prototype names, numbers past a double, nesting 1,000 to
 * 20,000 deep, 100 KB and 1.1 MB strings, wrong types) in every string and
 * number field of the producer contract (HTTP and Kafka, both envelopes) and
 * of the Workflows API, bodies and path ids. No answer may be a 5xx; a 4xx
 * says what is wrong; afterwards another tenant's events still flow on
 * every partition, its new configuration still reaches the matcher, and
 * every service is ready.
 */
describe('hostile input anywhere stops nothing', () => {
  const receiver = new HttpReceiver();
  const platform = new TestPlatform({ label: 'hostile' });
  const victimSubjects = keysCoveringPartitions('sub_victim_', Topics.events.partitions);
  let kafka: KafkaConnection;
  let hostile: { id: string; key: string };
  let victim: { id: string; key: string };
  /** H's workflow that PATCH, actions, conditions, test and path ids aim at. */
  let target: { workflowId: string; actionId: string; conditionId: string; eventId: string; subscription: string };
  let sent = 0;

  async function call(tenant: { key: string }, method: string, path: string, body?: string): Promise<{ status: number; body: unknown }> {
    try {
      return await platform.api(method, path, body, { authorization: `Bearer ${tenant.key}` });
    } catch (err) {
      // A connection the gateway drops is no answer at all: as bad as a 5xx.
      return { status: 599, body: `no answer: ${(err as Error).message}` };
    }
  }

  /** Throws, naming the request, when an answer is a 5xx or a 4xx without the error shape. */
  function judge({ route, field, status, body }: Target, hostileText: HostileJson): void {
    const where = `${route} ${field} = ${JSON.stringify(hostileText.slice(0, 60))}${hostileText.length > 60 ? `… (${hostileText.length} chars)` : ''}`;
    if (status >= 500) throw new Error(`${where}: answered ${status} ${JSON.stringify(body).slice(0, 200)}`);
    if (status >= 400 && !BARE_STATUSES.has(status)) {
      const shaped = typeof body === 'object' && body !== null && typeof (body as { error_type?: unknown }).error_type === 'string';
      if (!shaped) throw new Error(`${where}: ${status} without an error body: ${JSON.stringify(body).slice(0, 200)}`);
      const codes = (body as { error_codes?: unknown }).error_codes;
      if (status === 422 && !(Array.isArray(codes) && codes.length > 0)) throw new Error(`${where}: 422 without error_codes`);
    }
  }

  const arbitraryFor = (fields: readonly string[]) => fc.record(Object.fromEntries(fields.map((f) => [f, hostileJson()])) as Record<string, fc.Arbitrary<HostileJson>>);

  /** Every class of hostile value, as JSON text. */
  const EVERY_CLASS: HostileJson[] = [
    ...HOSTILE_CHARACTERS.map((c) => JSON.stringify(`a${c}b`)),
    ...PROTOTYPE_NAMES.map((name) => JSON.stringify(name)),
    JSON.stringify('x'.repeat(OVERSIZED_LENGTH)),
    '1e999',
    '300000000000000',
    deeplyNested(20_000),
    deeplyNested(20_000, 'array'),
    '{"__proto__":{"polluted":true}}',
  ];
  /** The issue's findings: every field meets each of these. */
  const HEADLINE_CLASSES: HostileJson[] = [JSON.stringify('a\u0000b'), JSON.stringify('a\ud800b'), deeplyNested(20_000)];

  /** One field of one request: sends the request with that field hostile. */
  interface Slot {
    route: string;
    field: string;
    send: (hostile: HostileJson) => Promise<{ status: number; body: unknown }>;
  }

  /**
   * Every slot first meets the headline classes and, in rotation, one more
   * (the examples, run first); then RUNS generated runs pick a slot and a value.
   */
  async function everySlotAnswersSoundly(slots: Slot[], seed: number): Promise<void> {
    const examples = slots.flatMap((slot, i) => [...HEADLINE_CLASSES, EVERY_CLASS[i % EVERY_CLASS.length]].map((value): [Slot, HostileJson] => [slot, value]));
    await holds(
      fc.asyncProperty(fc.constantFrom(...slots), hostileJson(), async (slot, value) => judge({ route: slot.route, field: slot.field, ...(await slot.send(value)) }, value)),
      { seed, numRuns: examples.length + RUNS, examples },
    );
  }

  /** fc.assert, but a failure names the request and value briefly: a counterexample can be 120 KB. */
  async function holds<T>(property: fc.IAsyncProperty<T>, params: fc.Parameters<T>): Promise<void> {
    const run = await fc.check(property, { ...params, endOnFailure: true });
    if (run.failed) {
      const cause = run.errorInstance instanceof Error ? run.errorInstance.message : String(run.errorInstance);
      throw new Error(`failed after ${run.numRuns} runs (seed ${run.seed}, path ${run.counterexamplePath}): ${cause}`);
    }
  }

  // Every field of the producer contract, in both envelopes.
  const envelope = () => ({
    id: `prop-${++sent}`,
    tenant: hostile.id,
    source: 'gateway',
    type: 'payment_approved',
    subject_id: 'sub_prop',
    entity_id: 'ent_prop',
    processing_channel_id: 'pc_prop',
    timestamp: '2026-01-01T00:00:00Z',
    version: '1.0.0',
    data: { amount: 1, nested: { note: 'n', list: [1, 'two'] } },
    metadata: { webhookUrl: receiver.url('/h-override'), note: 'm' },
  });
  const ENVELOPE_FIELDS = [
    'id', 'tenant', 'source', 'type', 'subject_id', 'entity_id', 'processing_channel_id', 'timestamp', 'version',
    'data', 'data.amount', 'data.nested', 'data.nested.note', 'data.nested.list.1', 'metadata', 'metadata.webhookUrl', 'metadata.note',
  ] as const;
  const cloudEvent = () => ({
    specversion: '1.0',
    id: `ce-prop-${++sent}`,
    source: 'https://api.public.caf.io/v1/orchestrations',
    type: 'TransactionFinished',
    subject: 'sub_prop',
    time: '2026-01-01T00:00:00Z',
    datacontenttype: 'application/json',
    tenant: hostile.id,
    entityid: 'ent_prop',
    processingchannelid: 'pc_prop',
    webhookurl: receiver.url('/h-override'),
    data: { transactionId: 'tx_prop', status: 'APPROVED', metadata: { webhookUrl: receiver.url('/h-override') } },
  });
  const CLOUD_EVENT_FIELDS = [
    'specversion', 'id', 'source', 'type', 'subject', 'time', 'datacontenttype', 'tenant', 'entityid', 'processingchannelid', 'webhookurl',
    'data', 'data.transactionId', 'data.status', 'data.metadata.webhookUrl', 'data_base64',
  ] as const;

  /** Each poisoned producer message: a fresh envelope with one field replaced. */
  function producerMessages(values: Record<string, HostileJson>, cloud: boolean): { field: string; text: string; key: string }[] {
    const fields = cloud ? CLOUD_EVENT_FIELDS : ENVELOPE_FIELDS;
    return fields.map((field) => {
      const text = withHostileField(cloud ? cloudEvent() : envelope(), field, values[field]);
      const subject = field === 'subject_id' || field === 'subject' ? (JSON.parse(values[field]) as unknown) : 'sub_prop';
      return { field: `${cloud ? 'cloudevent.' : ''}${field}`, text, key: typeof subject === 'string' ? subject : 'sub_prop' };
    });
  }

  beforeAll(async () => {
    await receiver.start();
    await platform.start();
    kafka = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'hostile-producer', topicPrefix: platform.prefix, logger: testLogger() });
    await kafka.connect();
    await kafka.ensureTopics([Topics.producerEvents]);
    const tenant = async (name: string) => {
      const res = await fetch(`${platform.opsUrl('gateway')}/admin/tenants`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      });
      const { id, api_key: key } = (await res.json()) as { id: string; api_key: string };
      return { id, key };
    };
    hostile = await tenant('hostile');
    victim = await tenant('victim');
    const workflow = (key: string, path: string, types: string[]) =>
      call({ key }, 'POST', '/workflows', JSON.stringify({ name: path, conditions: [{ type: 'event', events: { gateway: types } }], actions: [{ type: 'webhook', url: receiver.url(path) }] }));
    expect((await workflow(victim.key, '/v', ['payment_approved'])).status).toBe(201);
    const created = await workflow(hostile.key, '/h', ['payment_approved', 'card_verified']);
    const got = (await call(hostile, 'GET', `/workflows/${(created.body as { id: string }).id}`)).body as { id: string; actions: { id: string }[]; conditions: { id: string }[] };
    const event = await call(hostile, 'POST', '/events', JSON.stringify({ source: 'gateway', type: 'payment_approved', subject_id: 'sub_target', data: {} }));
    const subscription = await call(hostile, 'POST', '/api/v1/webhooks', JSON.stringify({ topic: 'order.created', url: receiver.url('/h-sub') }));
    target = {
      workflowId: got.id,
      actionId: got.actions[0].id,
      conditionId: got.conditions[0].id,
      eventId: (event.body as { id: string }).id,
      subscription: (subscription.body as { data: { uuid: string } }).data.uuid,
    };
    // The matcher loads new workflows from the config topic: wait until V is served.
    await waitFor(
      async () => {
        const res = await call(victim, 'POST', '/events', JSON.stringify({ source: 'gateway', type: 'payment_approved', subject_id: 'sub_warmup', data: {} }));
        const id = (res.body as { id: string }).id;
        return waitFor(() => receiver.on('/v').some((r) => r.rawBody.includes(id)), { timeoutMs: 3000 }).catch(() => false);
      },
      { timeoutMs: 90_000, what: "the first delivery of V's workflow" },
    );
  }, 240_000);

  afterAll(async () => {
    await kafka?.disconnect();
    await platform.stop();
    await receiver.stop();
  }, 60_000);

  it('the producer contract over HTTP: POST /events and /events/batch, both envelopes, every field', async () => {
    const slots = ([false, true] as const).flatMap((cloud) =>
      (cloud ? CLOUD_EVENT_FIELDS : ENVELOPE_FIELDS).flatMap((field): Slot[] => {
        const text = (hostile: HostileJson) => withHostileField(cloud ? cloudEvent() : envelope(), field, hostile);
        const name = `${cloud ? 'cloudevent.' : ''}${field}`;
        return [
          { route: 'POST /events', field: name, send: (v) => call(hostile, 'POST', '/events', text(v)) },
          { route: 'POST /events/batch', field: name, send: (v) => call(hostile, 'POST', '/events/batch', `[${JSON.stringify(envelope())},${text(v)}]`) },
        ];
      }),
    );
    await everySlotAnswersSoundly(slots, SEED);
  }, 300_000);

  it('the producer contract over Kafka: both envelopes, every field, keyed by the hostile subject where there is one', async () => {
    const fields = [...new Set([...ENVELOPE_FIELDS, ...CLOUD_EVENT_FIELDS])];
    await holds(
      fc.asyncProperty(arbitraryFor(fields), async (values) => {
        const messages = [...producerMessages(values, false), ...producerMessages(values, true)];
        // The broker itself refuses a record past its 1 MiB limit: such a message never reaches the platform.
        const fits = messages.filter(({ key, text }) => Buffer.byteLength(key) + Buffer.byteLength(text) < 1_000_000);
        await kafka.publisher.publishEncoded(Topics.producerEvents, fits.map(({ key, text }) => ({ key, value: text })));
      }),
      { seed: SEED + 1, numRuns: EVERY_CLASS.length + RUNS, examples: EVERY_CLASS.map((value) => [Object.fromEntries(fields.map((f) => [f, value]))]) },
    );
  }, 300_000);

  it('the Workflows API bodies: workflows, actions, conditions, test, reflow, webhooks subscriptions', async () => {
    const action = () => ({
      type: 'webhook',
      url: receiver.url('/h-wf'),
      headers: { 'X-Auth': 'a' },
      signature: { method: 'HMACSHA256', key: 'signing-key' },
      format: 'checkout',
      cloudevents_mode: 'structured',
      retry_policy: [60_000, 120_000],
      timeout_ms: 5000,
    });
    const ACTION_FIELDS = ['type', 'url', 'headers', 'headers.X-Auth', 'signature', 'signature.key', 'signature.method', 'format', 'cloudevents_mode', 'retry_policy', 'retry_policy.1', 'timeout_ms'];
    // card_verified: nobody sends it, so what the API accepts here does not fan every event out.
    const workflow = () => ({
      name: 'prop',
      active: true,
      conditions: [
        { type: 'event', events: { gateway: ['card_verified'] } },
        { type: 'entity', entities: ['ent_prop'] },
        { type: 'processing_channel', processing_channels: ['pc_prop'] },
      ],
      actions: [action()],
    });
    const WORKFLOW_FIELDS = [
      'name', 'active', 'conditions', 'conditions.0', 'conditions.0.type', 'conditions.0.events', 'conditions.0.events.gateway', 'conditions.0.events.gateway.0',
      'conditions.1.entities', 'conditions.1.entities.0', 'conditions.2.processing_channels', 'conditions.2.processing_channels.0',
      ...['actions', 'actions.0', ...ACTION_FIELDS.map((f) => `actions.0.${f}`)],
    ];
    const condition = () => ({ type: 'event', events: { gateway: ['card_verified'] } });
    const CONDITION_FIELDS = ['type', 'events', 'events.gateway', 'events.gateway.0', 'entities', 'entities.0', 'processing_channels.0'];
    const routes: { route: string; method: string; path: () => string; base: () => unknown; fields: string[] }[] = [
      { route: 'POST /workflows', method: 'POST', path: () => '/workflows', base: workflow, fields: WORKFLOW_FIELDS },
      { route: 'PATCH /workflows/{id}', method: 'PATCH', path: () => `/workflows/${target.workflowId}`, base: workflow, fields: WORKFLOW_FIELDS },
      { route: 'POST /workflows/{id}/actions', method: 'POST', path: () => `/workflows/${target.workflowId}/actions`, base: action, fields: ACTION_FIELDS },
      { route: 'PUT /workflows/{id}/actions/{id}', method: 'PUT', path: () => `/workflows/${target.workflowId}/actions/${target.actionId}`, base: action, fields: ACTION_FIELDS },
      { route: 'POST /workflows/{id}/conditions', method: 'POST', path: () => `/workflows/${target.workflowId}/conditions`, base: () => ({ type: 'entity', entities: ['ent_prop'] }), fields: CONDITION_FIELDS },
      { route: 'PUT /workflows/{id}/conditions/{id}', method: 'PUT', path: () => `/workflows/${target.workflowId}/conditions/${target.conditionId}`, base: condition, fields: CONDITION_FIELDS },
      { route: 'POST /workflows/{id}/test', method: 'POST', path: () => `/workflows/${target.workflowId}/test`, base: () => ({ event_types: ['card_verified'] }), fields: ['event_types', 'event_types.0'] },
      {
        route: 'POST /workflows/events/reflow',
        method: 'POST',
        path: () => '/workflows/events/reflow',
        base: () => ({ events: [target.eventId], workflows: [target.workflowId] }),
        fields: ['events', 'events.0', 'workflows', 'workflows.0', 'subjects'],
      },
      { route: 'POST /workflows/events/reflow (subjects)', method: 'POST', path: () => '/workflows/events/reflow', base: () => ({ subjects: ['sub_target'] }), fields: ['subjects', 'subjects.0'] },
      { route: 'POST /api/v1/webhooks', method: 'POST', path: () => '/api/v1/webhooks', base: () => ({ topic: 'order.created', expands: ['payments'], url: receiver.url('/h-sub') }), fields: ['topic', 'expands', 'expands.0', 'url'] },
    ];
    const slots = routes.flatMap(({ route, method, path, base, fields }) =>
      fields.map((field): Slot => ({ route, field, send: (v) => call(hostile, method, path(), withHostileField(base(), field, v)) })),
    );
    await everySlotAnswersSoundly(slots, SEED + 2);
  }, 300_000);

  it('every path id of the API', async () => {
    const t = () => target;
    const templates: { method: string; path: (id: string) => string; name: string }[] = [
      { method: 'GET', name: 'GET /workflows/{id}', path: (id) => `/workflows/${id}` },
      { method: 'PATCH', name: 'PATCH /workflows/{id}', path: (id) => `/workflows/${id}` },
      { method: 'DELETE', name: 'DELETE /workflows/{id}', path: (id) => `/workflows/${id}` },
      { method: 'POST', name: 'POST /workflows/{id}/actions', path: (id) => `/workflows/${id}/actions` },
      { method: 'PUT', name: 'PUT /workflows/{id}/actions/{actionId}', path: (id) => `/workflows/${t().workflowId}/actions/${id}` },
      { method: 'DELETE', name: 'DELETE /workflows/{id}/actions/{actionId}', path: (id) => `/workflows/${t().workflowId}/actions/${id}` },
      { method: 'PUT', name: 'PUT /workflows/{id}/conditions/{conditionId}', path: (id) => `/workflows/${t().workflowId}/conditions/${id}` },
      { method: 'DELETE', name: 'DELETE /workflows/{id}/conditions/{conditionId}', path: (id) => `/workflows/${t().workflowId}/conditions/${id}` },
      { method: 'POST', name: 'POST /workflows/{id}/test', path: (id) => `/workflows/${id}/test` },
      { method: 'GET', name: 'GET /workflows/events/{eventId}', path: (id) => `/workflows/events/${id}` },
      { method: 'GET', name: 'GET /workflows/events/{eventId}/actions/{actionId}', path: (id) => `/workflows/events/${t().eventId}/actions/${id}` },
      { method: 'GET', name: 'GET /workflows/events/{id}/actions/{actionId} (event)', path: (id) => `/workflows/events/${id}/actions/${t().actionId}` },
      { method: 'GET', name: 'GET /workflows/events/subject/{subjectId}', path: (id) => `/workflows/events/subject/${id}` },
      { method: 'POST', name: 'POST /workflows/events/{eventId}/reflow', path: (id) => `/workflows/events/${id}/reflow` },
      { method: 'POST', name: 'POST /workflows/events/{eventId}/workflow/{workflowId}/reflow', path: (id) => `/workflows/events/${t().eventId}/workflow/${id}/reflow` },
      { method: 'POST', name: 'POST /workflows/events/subject/{subjectId}/reflow', path: (id) => `/workflows/events/subject/${id}/reflow` },
      { method: 'POST', name: 'POST /workflows/events/subject/{subjectId}/workflow/{workflowId}/reflow', path: (id) => `/workflows/events/subject/sub_target/workflow/${id}/reflow` },
      { method: 'GET', name: 'GET /workflows/events/reflow/{reflowId}', path: (id) => `/workflows/events/reflow/${id}` },
      { method: 'GET', name: 'GET /api/v1/webhooks/{uuid}', path: (id) => `/api/v1/webhooks/${id}` },
      { method: 'DELETE', name: 'DELETE /api/v1/webhooks/{uuid}', path: (id) => `/api/v1/webhooks/${id}` },
    ];
    const headline = ['a\u0000b', 'a\ud800b', 'a\udc00b', '__proto__', 'constructor'];
    await holds(
      fc.asyncProperty(fc.constantFrom(...templates), hostileString(), async ({ method, path, name }, id) => {
        // Past any URL a server takes, the answer is Node's own 414/431: a longer id says nothing more.
        const res = await call(hostile, method, path(hostilePathSegment(id.slice(0, 2000))), method === 'GET' || method === 'DELETE' ? undefined : '{}');
        judge({ route: name, field: 'path id', ...res }, JSON.stringify(id));
      }),
      {
        seed: SEED + 3,
        numRuns: templates.length * headline.length + RUNS * 2,
        examples: templates.flatMap((template) => headline.map((id): [(typeof templates)[number], string] => [template, id])),
      },
    );
    // The target survived: no hostile id reached it.
    expect((await call(hostile, 'GET', `/workflows/${target.workflowId}`)).status).toBe(200);
  }, 300_000);

  it('afterwards another tenant’s events flow on every partition, its new workflow is loaded, and every service is ready', async () => {
    const event = (subject_id: string, way: string) => ({ source: 'gateway', type: 'payment_approved', subject_id, data: { after: 'hostile', way } });
    expect((await call(victim, 'POST', '/events/batch', JSON.stringify(victimSubjects.map((s) => event(s, 'http'))))).status).toBe(202);
    await kafka.publisher.publishEncoded(Topics.producerEvents, victimSubjects.map((s) => ({ key: s, value: JSON.stringify({ ...event(s, 'kafka'), tenant: victim.id }) })));
    const arrived = () => receiver.on('/v').filter((r) => r.rawBody.includes('"after":"hostile"')).length;
    await waitFor(() => arrived() >= victimSubjects.length * 2, { timeoutMs: DELIVERY_BUDGET_MS, what: `V's events on every partition (${arrived()} arrived before the wait)` });

    const later = await call(victim, 'POST', '/workflows', JSON.stringify({ name: 'later', conditions: [{ type: 'event', events: { gateway: ['payment_voided'] } }], actions: [{ type: 'webhook', url: receiver.url('/v-later') }] }));
    expect(later.status).toBe(201);
    await waitFor(
      async () => {
        await call(victim, 'POST', '/events', JSON.stringify({ source: 'gateway', type: 'payment_voided', subject_id: victimSubjects[0], data: {} }));
        return waitFor(() => receiver.on('/v-later').length > 0, { timeoutMs: 3000 }).catch(() => false);
      },
      { timeoutMs: 30_000, what: "a delivery through V's workflow created after the hostile input" },
    );

    // V's webhooks only: H's reflows legitimately re-send H's.
    const sends = new Map<string, number>();
    for (const r of receiver.requests.filter((q) => q.path.startsWith('/v'))) sends.set(r.headers['webhook-id'], (sends.get(r.headers['webhook-id']) ?? 0) + 1);
    expect([...sends].filter(([, n]) => n > MAX_SENDS_PER_WEBHOOK)).toEqual([]);

    for (const name of SERVICE_NAMES) {
      const res = await fetch(`${platform.opsUrl(name)}/health/ready`);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
    }
  }, 90_000);
});
