import { CanonicalEvent, Topics } from '@hookstream/contracts';
import { DeadLetterHeaders } from '@hookstream/messaging';
import { waitFor } from '@hookstream/testing';
import { IngestUnderTest } from './__fixtures__/ingest-under-test';

const TENANT = 'ten_hostile';
/** One key for every message: the poisons and the valid event behind them share a partition. */
const KEY = 'pay_hostile_partition';

const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const valid = (subject: string) => ({ tenant: TENANT, source: 'gateway', type: 'payment_approved', subject_id: subject, data: { amount: 1 } });

/** Raw JSON texts a hostile producer can send, each with the reason its dead letter must give. */
const POISONS: { name: string; value: string; reason: RegExp }[] = [
  { name: 'lone surrogate in subject_id', value: JSON.stringify({ ...valid('pay_\ud800'), id: 'p1' }), reason: /subject_id: .*invalid characters/ },
  { name: 'NUL in producer id', value: JSON.stringify({ ...valid('pay_nul_id'), id: 'p\u0000' }), reason: /^id: .*invalid characters/ },
  { name: 'NUL in tenant', value: JSON.stringify({ ...valid('pay_nul_tenant'), tenant: 'ten_\u0000' }), reason: /tenant: .*invalid characters/ },
  { name: 'control character in type', value: JSON.stringify({ ...valid('pay_ctl_type'), type: 'payment_approved\r\n' }), reason: /type: .*invalid characters/ },
  { name: 'NUL in a data key', value: JSON.stringify({ ...valid('pay_nul_key'), data: { 'a\u0000': 1 } }), reason: /data: .*invalid characters/ },
  { name: 'lone surrogate deep in data', value: JSON.stringify({ ...valid('pay_deep_surrogate'), data: { l: [{ m: ['\udfff'] }] } }), reason: /data\.l\[0\]\.m\[0\]: .*invalid characters/ },
  { name: 'NUL in metadata.webhookUrl', value: JSON.stringify({ ...valid('pay_nul_url'), metadata: { webhookUrl: 'https://x.example/\u0000' } }), reason: /invalid characters/ },
  { name: 'CloudEvent with a NUL subject', value: JSON.stringify({ specversion: '1.0', id: 'ce-nul', source: 'orders', type: 'order.created', subject: 'ord_\u0000', tenant: TENANT }), reason: /subject: .*invalid characters/ },
  { name: 'nesting 20,000 levels deep', value: `{"tenant":"${TENANT}","source":"gateway","type":"payment_approved","subject_id":"pay_deep","data":${deepJson(20_000)}}`, reason: /nested deeper than 32/ },
  { name: 'a number past what a double holds', value: `{"tenant":"${TENANT}","source":"gateway","type":"payment_approved","subject_id":"pay_1e400","data":{"n":1e400}}`, reason: /data\.n: .*finite/ },
  { name: 'prototype name as type', value: JSON.stringify({ ...valid('pay_proto_type'), type: 'constructor' }), reason: /event type unknown/ },
  { name: 'prototype name as source', value: JSON.stringify({ ...valid('pay_proto_source'), source: '__proto__' }), reason: /event type unknown/ },
  { name: 'CloudEvent source toString', value: JSON.stringify({ specversion: '1.0', id: 'ce-proto', source: 'toString', type: 'x', subject: 'ord_proto', tenant: TENANT }), reason: /event type unknown/ },
  { name: 'unknown type', value: JSON.stringify({ ...valid('pay_unknown'), type: 'payment_teleported' }), reason: /event type unknown/ },
];

describe('event-ingest refuses hostile producer events, over Kafka and HTTP, and goes on with the next', () => {
  const ingest = new IngestUnderTest('hostile-ingest');
  const { platform } = ingest;

  const eventsFor = (subjectId: string) => ingest.events.json<CanonicalEvent>().filter((e) => e.value?.subject_id === subjectId);

  async function post(path: '' | '/batch', body: string): Promise<{ status: number; body: Record<string, unknown>; retryAfter: string | null }> {
    const res = await platform.internal('event-ingest', 'POST', `/internal/events${path}`, { tenantId: TENANT, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, retryAfter: res.headers.get('retry-after') };
  }

  beforeAll(() => ingest.start(), 120_000);
  afterAll(() => ingest.stop(), 60_000);

  it('dead-letters each poison with its reason, and the valid event behind them on the same partition gets through', async () => {
    await ingest.kafka.publisher.publishEncoded(Topics.producerEvents, [
      ...POISONS.map((p) => ({ key: KEY, value: p.value })),
      { key: KEY, value: JSON.stringify(valid('pay_after_poison')) },
    ]);
    await waitFor(() => eventsFor('pay_after_poison').length === 1, { timeoutMs: 30_000, what: 'the valid event behind the poisons' });
    await waitFor(() => ingest.rejected.messages.length >= POISONS.length, { what: 'a dead letter per poison' });
    const reasons = ingest.rejected.messages.map((m) => String(m.headers[DeadLetterHeaders.reason]));
    POISONS.forEach((p, i) => expect({ poison: p.name, reason: reasons[i] }).toEqual({ poison: p.name, reason: expect.stringMatching(p.reason) }));
    expect(ingest.events.messages).toHaveLength(1);
  }, 60_000);

  it('answers 422 with a code for each poison over HTTP, one event or in a batch, and 202 for the valid one', async () => {
    const codes = new Map<string, unknown>();
    for (const p of POISONS) {
      const answer = await post('', p.value.replace(`"tenant":"${TENANT}",`, ''));
      codes.set(p.name, { status: answer.status, codes: answer.body.error_codes });
    }
    expect(Object.fromEntries(codes)).toEqual(
      Object.fromEntries(
        POISONS.map((p) => [
          p.name,
          {
            status: 422,
            codes: [
              /deep/.test(p.name) && !/surrogate/.test(p.name)
                ? 'data_too_deep'
                : /number/.test(p.name)
                  ? 'number_invalid'
                  : /prototype|unknown|toString/.test(p.name)
                    ? 'event_type_unknown'
                    : 'string_invalid_characters',
            ],
          },
        ]),
      ),
    );
    const batch = await post('/batch', `[${JSON.stringify(valid('pay_batch_ok'))},${POISONS[0].value}]`);
    expect(batch).toMatchObject({ status: 422, body: { error_codes: ['string_invalid_characters'], details: expect.stringMatching(/^\[1\] subject_id/) } });
    expect(await post('', JSON.stringify(valid('pay_http_after')))).toMatchObject({ status: 202, body: { id: expect.stringMatching(/^evt_/) } });
    await waitFor(() => eventsFor('pay_http_after').length === 1, { what: 'the valid HTTP event' });
    expect(eventsFor('pay_batch_ok')).toEqual([]);
  }, 60_000);

  it('knows an event type an operator added to the catalog within seconds, long before the periodic reload', async () => {
    const added = await platform.internal('workflow-config', 'POST', '/internal/event-types', { body: { id: 'payouts', events: [{ id: 'payout_paid' }] } });
    expect(added.status).toBe(201);
    const payout = JSON.stringify({ source: 'payouts', type: 'payout_paid', subject_id: 'po_1' });
    await waitFor(async () => (await post('', payout)).status === 202, { timeoutMs: 15_000, what: 'the new type to be accepted' });
  }, 30_000);
});
