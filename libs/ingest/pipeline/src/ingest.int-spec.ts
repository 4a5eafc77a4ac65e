import { CanonicalEvent, Topics, TopicSpec } from '@hookstream/contracts';
import { DeadLetterHeaders } from '@hookstream/messaging';
import { waitFor } from '@hookstream/testing';
import { IngestUnderTest } from './__fixtures__/ingest-under-test';

const TENANT = 'ten_ingest';
/** A second inbound topic, as a producer team that owns its own topic would configure it. */
const PARTNER_TOPIC: TopicSpec = { name: 'partner.payments.v1', partitions: 2 };
const MAX_EVENT_BYTES = 8192;

describe('event-ingest against the real broker and Postgres', () => {
  // No INGEST_DEFAULT_TENANT: a Kafka message without a tenant is a dead letter.
  const ingest = new IngestUnderTest('ingest', { INGEST_TOPICS: `${Topics.producerEvents.name},${PARTNER_TOPIC.name}`, INGEST_MAX_EVENT_BYTES: String(MAX_EVENT_BYTES) });
  const { platform } = ingest;

  const eventsFor = (subjectId: string) =>
    ingest.events
      .json<CanonicalEvent>()
      .filter((e) => e.value?.subject_id === subjectId)
      .map((e) => ({ key: e.key, ...(e.value as CanonicalEvent) }));
  const letterFor = (key: string) => ingest.rejected.messages.find((m) => m.key === key);

  async function produce(messages: { key: string; value: unknown }[], topic: TopicSpec = Topics.producerEvents): Promise<void> {
    await ingest.kafka.publisher.publishEncoded(
      topic,
      messages.map((m) => ({ key: m.key, value: typeof m.value === 'string' ? m.value : JSON.stringify(m.value) })),
    );
  }

  async function post(path: '' | '/batch', body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await platform.internal('event-ingest', 'POST', `/internal/events${path}`, { tenantId: TENANT, body, headers });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(() => ingest.start([Topics.producerEvents, PARTNER_TOPIC]), 120_000);
  afterAll(() => ingest.stop(), 60_000);

  it('turns a producer envelope into a canonical event keyed by subject id, from every configured topic', async () => {
    const envelope = {
      id: 'env-1',
      tenant: TENANT,
      source: 'gateway',
      type: 'payment_approved',
      subject_id: 'pay_envelope',
      entity_id: 'ent_xyfdshfudosfdshfdiosfds',
      processing_channel_id: 'pc_1',
      timestamp: '2026-11-22T10:00:00Z',
      version: '2.0.0',
      data: { amount: 6540, currency: 'USD' },
      metadata: { webhookUrl: 'https://client.example/cb', region: 'eu' },
    };
    await produce([{ key: 'pay_envelope', value: envelope }]);
    await produce([{ key: 'pay_partner', value: { ...envelope, id: 'env-2', subject_id: 'pay_partner' } }], PARTNER_TOPIC);
    await waitFor(() => eventsFor('pay_envelope').length === 1 && eventsFor('pay_partner').length === 1, { what: 'both canonical events' });
    // The envelope's own fields pass as they are; id, tenant and metadata become the platform's.
    const { id: producerId, tenant, metadata, ...same } = envelope;
    expect(eventsFor('pay_envelope')[0]).toEqual({
      key: 'pay_envelope',
      id: expect.stringMatching(/^evt_[a-z2-7]{26}$/),
      tenant_id: tenant,
      ...same,
      metadata: { webhook_url: metadata.webhookUrl, region: metadata.region, producer_id: producerId },
      received_at: expect.any(String),
    });
  });

  it("maps CAF's CloudEvent onto the contract: transactions source, the transaction as subject, the callback URL", async () => {
    const caf = {
      id: '08934216-a945-43b1-a3f3-bd39869fd9fc',
      time: '2023-08-01T13:10:25.791Z',
      type: 'TransactionFinished',
      source: 'https://api.public.caf.io/v1/orchestrations',
      specversion: '1.0',
      tenant: TENANT,
      data: { transactionId: '6021a21b3811c35ecb8dea20', workflowId: '7011a21b3811c35ecb8dea21', status: 'APPROVED', metadata: { webhookUrl: 'https://client.example/caf' } },
    };
    await produce([{ key: '6021a21b3811c35ecb8dea20', value: caf }]);
    await waitFor(() => eventsFor('6021a21b3811c35ecb8dea20').length === 1, { what: 'the CloudEvent' });
    expect(eventsFor('6021a21b3811c35ecb8dea20')[0]).toMatchObject({
      source: 'transactions',
      type: 'TransactionFinished',
      timestamp: '2023-08-01T13:10:25.791Z',
      data: caf.data,
      metadata: { cloudevents_source: caf.source, webhook_url: 'https://client.example/caf', producer_id: caf.id },
    });
  });

  it('gives a plain envelope of a mapped catalog source its CloudEvents source URI, for CloudEvents deliveries', async () => {
    await produce([{ key: 'txn_plain', value: { id: 'plain-caf-1', tenant: TENANT, source: 'transactions', type: 'TransactionPending', subject_id: 'txn_plain' } }]);
    await waitFor(() => eventsFor('txn_plain').length === 1, { what: 'the plain CAF event' });
    expect(eventsFor('txn_plain')[0]).toMatchObject({
      source: 'transactions',
      metadata: { cloudevents_source: 'https://api.public.caf.io/v1/orchestrations', producer_id: 'plain-caf-1' },
    });
  });

  it("keeps one subject's order within a batch, with and without producer ids", async () => {
    const seqs = [1, 2, 3, 4, 5, 6];
    await produce(
      seqs.map((seq) => ({
        key: 'pay_ordered',
        value: { ...(seq % 2 === 1 ? { id: `ordered-${seq}` } : {}), tenant: TENANT, source: 'gateway', type: 'payment_captured', subject_id: 'pay_ordered', data: { seq } },
      })),
    );
    await waitFor(() => eventsFor('pay_ordered').length === seqs.length, { what: 'the ordered events' });
    expect(eventsFor('pay_ordered').map((e) => e.data.seq)).toEqual(seqs);
  });

  it('dead-letters invalid messages with their reason and original bytes, and goes on with the next', async () => {
    const invalid = [
      { key: 'bad_json', value: '{"source": "gateway", ' },
      { key: 'bad_fields', value: '{"tenant":"ten_ingest","source":"gateway","type":42}' },
      { key: 'bad_tenant', value: JSON.stringify({ source: 'gateway', type: 'payment_approved', subject_id: 'pay_no_tenant' }) },
      { key: 'bad_size', value: JSON.stringify({ tenant: TENANT, source: 'gateway', type: 'payment_approved', subject_id: 'pay_big', data: { blob: 'x'.repeat(MAX_EVENT_BYTES) } }) },
      { key: 'bad_metadata', value: JSON.stringify({ tenant: TENANT, source: 'gateway', type: 'payment_approved', subject_id: 'pay_forged', metadata: { test: true } }) },
    ];
    await produce([...invalid, { key: 'pay_after_bad', value: { tenant: TENANT, source: 'gateway', type: 'payment_approved', subject_id: 'pay_after_bad' } }]);
    await waitFor(() => eventsFor('pay_after_bad').length === 1, { what: 'the event after the invalid ones' });
    await waitFor(() => invalid.every((m) => letterFor(m.key)), { what: 'every dead letter' });
    for (const m of invalid) expect(String(letterFor(m.key)?.value)).toBe(m.value);
    const reason = (key: string) => letterFor(key)?.headers[DeadLetterHeaders.reason];
    expect(reason('bad_json')).toMatch(/^invalid JSON/);
    expect(reason('bad_fields')).toMatch(/type: .*subject_id: /);
    expect(reason('bad_tenant')).toMatch(/^tenant missing/);
    expect(reason('bad_size')).toMatch(/at most 8192 are accepted/);
    expect(reason('bad_metadata')).toMatch(/metadata\.test: set by the platform/);
    expect(letterFor('bad_json')?.headers[DeadLetterHeaders.topic]).toBe(`${platform.prefix}${Topics.producerEvents.name}`);
    expect(eventsFor('pay_no_tenant')).toEqual([]);
  });

  it('ingests over HTTP: one event, a batch, a CloudEvent; 202 with the evt ids that reach the topic', async () => {
    const one = await post('', { source: 'gateway', type: 'payment_approved', subject_id: 'pay_http_one' });
    expect(one).toMatchObject({ status: 202, body: { id: expect.stringMatching(/^evt_/) } });
    const batch = await post('/batch', [
      { id: 'http-b1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_http_batch' },
      { id: 'http-b1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_http_batch' },
      { specversion: '1.0', id: 'http-ce', source: 'orders', type: 'order.created', subject: 'ord_http', data: { id: 1001 } },
    ]);
    expect(batch.status).toBe(202);
    const ids = batch.body.ids as string[];
    expect(ids[0]).toBe(ids[1]);
    const ce = await platform.internal('event-ingest', 'POST', '/internal/events', {
      tenantId: TENANT,
      headers: { 'content-type': 'application/cloudevents+json' },
      body: { specversion: '1.0', id: 'http-ce-structured', source: 'orders', type: 'order.updated', subject: 'ord_structured' },
    });
    expect(ce.status).toBe(202);
    await waitFor(() => eventsFor('ord_structured').length === 1, { what: 'the structured-mode CloudEvent' });
    await waitFor(() => eventsFor('pay_http_batch').length === 1 && eventsFor('ord_http').length === 1, { what: 'the batch' });
    expect(eventsFor('pay_http_one')[0]).toMatchObject({ id: one.body.id, tenant_id: TENANT });
    expect(eventsFor('pay_http_batch')[0].id).toBe(ids[0]);
    expect(eventsFor('ord_http')[0]).toMatchObject({ id: ids[2], source: 'orders', type: 'order.created', data: { id: 1001 } });
  });

  it("judges each event of the gateway's grouped call on its own: 202 with its id or 422 with its codes, in order", async () => {
    const res = await platform.internal('event-ingest', 'POST', '/internal/events/each', {
      tenantId: TENANT,
      body: [
        { id: 'each-1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_each_1' },
        { source: 'gateway', timestamp: 'noon' },
        { id: 'each-1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_each_1' },
        { source: 'gateway', type: 'payment_approved', subject_id: 'pay_each_2' },
      ],
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: { status: number; body: Record<string, unknown> }[] };
    expect(results.map((r) => r.status)).toEqual([202, 422, 202, 202]);
    expect(results[1].body).toMatchObject({ error_type: 'request_invalid', error_codes: expect.arrayContaining(['type_required', 'subject_id_required', 'timestamp_invalid']) });
    expect(results[1].body.details).not.toMatch(/^\[/);
    // The same producer id twice answers one id, and is one event.
    expect(results[2].body).toEqual(results[0].body);
    expect(results[0].body).toEqual({ id: expect.stringMatching(/^evt_/), ids: [results[0].body.id] });
    await waitFor(() => eventsFor('pay_each_1').length === 1 && eventsFor('pay_each_2').length === 1, { what: 'both events' });
    expect(eventsFor('pay_each_1')[0].id).toBe(results[0].body.id);
    expect(eventsFor('pay_each_2')[0].id).toBe(results[3].body.id);
    const notArray = await platform.internal('event-ingest', 'POST', '/internal/events/each', { tenantId: TENANT, body: { source: 'gateway' } });
    expect(notArray.status).toBe(422);
    expect(await notArray.json()).toMatchObject({ error_codes: ['events_required'] });
  });

  it('answers 422 with error codes (and the request id) for an invalid body, 400 without a tenant', async () => {
    const invalid = await post('/batch', [{ source: 'gateway', type: 'payment_approved', subject_id: 'pay_ok' }, { source: 'gateway', timestamp: 'noon' }], {
      'x-request-id': 'req-422',
    });
    expect(invalid).toMatchObject({
      status: 422,
      body: { request_id: 'req-422', error_type: 'request_invalid', error_codes: expect.arrayContaining(['type_required', 'subject_id_required', 'timestamp_invalid']) },
    });
    expect(invalid.body.details).toMatch(/^\[1\] /);
    expect(eventsFor('pay_ok')).toEqual([]);
    expect(await post('/batch', Array.from({ length: 501 }, () => ({ source: 's', type: 't', subject_id: 'x' })))).toMatchObject({
      status: 422,
      body: { error_codes: ['batch_too_large'] },
    });
    expect(await post('', { specversion: '1.0', id: 'x', source: 's', type: 't' })).toMatchObject({ status: 422, body: { error_codes: ['subject_id_required'] } });
    const noTenant = await platform.internal('event-ingest', 'POST', '/internal/events', { body: { source: 'gateway', type: 'payment_approved', subject_id: 'pay_x' } });
    expect(noTenant.status).toBe(400);
    expect(await noTenant.json()).toMatchObject({ error_codes: ['tenant_required'] });
  });

  it('answers concurrent requests, which share their dedup queries, with one id per producer id, each on the topic', async () => {
    // 10 producer ids, each sent by 4 requests at once (and 8 events without an id): grouped claims must keep them apart and together.
    const bodies = [
      ...Array.from({ length: 40 }, (_, i) => ({ id: `concurrent-${i % 10}`, source: 'gateway', type: 'payment_approved', subject_id: `pay_concurrent_${i % 10}` })),
      ...Array.from({ length: 8 }, (_, i) => ({ source: 'gateway', type: 'payment_approved', subject_id: `pay_concurrent_anon_${i}` })),
    ];
    const answers = await Promise.all(bodies.map((body) => post('', body)));
    expect(answers.map((a) => a.status)).toEqual(bodies.map(() => 202));
    const idOf = new Map<string, Set<unknown>>();
    bodies.forEach((body, i) => idOf.set(body.subject_id, (idOf.get(body.subject_id) ?? new Set()).add(answers[i].body.id)));
    expect([...idOf.values()].map((ids) => ids.size)).toEqual([...idOf.keys()].map(() => 1));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(18);
    await waitFor(() => [...idOf.keys()].every((subject) => eventsFor(subject).length > 0), { what: 'every event' });
    // Requests that met in one group may each have published the event (at least once), always under its one id.
    for (const [subject, ids] of idOf) expect(new Set(eventsFor(subject).map((e) => e.id))).toEqual(ids);

    // Marked published: the same ids again answer the same ids and publish nothing more.
    const seen = eventsFor('pay_concurrent_0').length;
    const again = await Promise.all(bodies.slice(0, 10).map((body) => post('', body)));
    expect(again.map((a) => a.body.id)).toEqual(answers.slice(0, 10).map((a) => a.body.id));
    await post('', { source: 'gateway', type: 'payment_captured', subject_id: 'pay_concurrent_0' });
    await waitFor(() => eventsFor('pay_concurrent_0').some((e) => e.type === 'payment_captured'), { what: 'the event after the repeats' });
    expect(eventsFor('pay_concurrent_0')).toHaveLength(seen + 1);
  });

  it('yields one event per producer id: twice in a row, over both ways in, and after a restart or a crash', async () => {
    const body = { id: 'dedup-1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_dedup' };
    const first = await post('', body);
    expect(first.status).toBe(202);
    expect((await post('', body)).body.id).toBe(first.body.id);
    await produce([{ key: 'pay_dedup', value: { ...body, tenant: TENANT } }]);
    // Another source with the same producer id is another event.
    await produce([{ key: 'pay_dedup', value: { ...body, tenant: TENANT, source: 'dispute', type: 'dispute_won' } }]);
    await waitFor(() => eventsFor('pay_dedup').length === 2, { what: 'the other source' });

    await platform.service('event-ingest').stop();
    await platform.service('event-ingest').start();
    expect((await post('', body)).body.id).toBe(first.body.id);
    await platform.service('event-ingest').kill();
    await platform.service('event-ingest').start();
    await produce([{ key: 'pay_dedup', value: { ...body, tenant: TENANT } }]);
    expect((await post('', body)).body.id).toBe(first.body.id);

    // A later message on the same partition proves the duplicates were consumed, not stuck.
    await produce([{ key: 'pay_dedup', value: { source: 'gateway', type: 'payment_captured', subject_id: 'pay_dedup', tenant: TENANT } }]);
    await waitFor(() => eventsFor('pay_dedup').length === 3, { timeoutMs: 30_000, what: 'the event after the duplicates' });
    expect(eventsFor('pay_dedup').map((e) => [e.source, e.type])).toEqual([
      ['gateway', 'payment_approved'],
      ['dispute', 'dispute_won'],
      ['gateway', 'payment_captured'],
    ]);
    expect(eventsFor('pay_dedup')[0].id).toBe(first.body.id);
  }, 120_000);
});
