import { CanonicalEvent, DeliveryOutcome, deterministicId, Topics } from '@hookstream/contracts';
import { sampleCanonicalEvent, waitFor } from '@hookstream/testing';
import { ProjectionUnderTest } from './__fixtures__/projection-under-test';

const TENANT = 'ten_hostile';
const WORKFLOW = 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const ACTION = 'wfa_aaaaaaaaaaaaaaaaaaaaaaaaaa';

// Strings Postgres refuses (NUL anywhere, lone surrogates in jsonb), as events
// from older versions already on the topics may hold them, and a receiver's
// answer may: stored escaped, and the partition goes on for everyone.
describe('projection with strings Postgres refuses', () => {
  const projection = new ProjectionUnderTest('proj-hostile');

  beforeAll(() => projection.start(), 120_000);
  afterAll(() => projection.stop(), 60_000);

  const storedEvent = async (id: string) => (await projection.db.query(`SELECT * FROM ${projection.schema}.events WHERE id = $1`, [id])).rows[0];

  it('stores events with NUL and lone surrogates in any field, escaped, and keeps consuming the partition', async () => {
    const subject = 'pay_hostile';
    const hostile = sampleCanonicalEvent({
      tenant_id: TENANT,
      subject_id: subject,
      source: 'src\u0000',
      data: { note: 'a\u0000b', half: 'x\ud800y', 'key\u0000\udfff': ['\ud83d\ude00', { deep: '\udc00' }], back: 'C:\\u0000 is text' },
      metadata: { producer_id: 'p\u0000' },
    });
    const after = sampleCanonicalEvent({ tenant_id: 'ten_other', subject_id: subject, data: { amount: 1 } });
    // One key, so one partition: the event after the poison must land too.
    await projection.kafka.publisher.publish(Topics.events, [hostile, after].map((e: CanonicalEvent) => ({ value: e })));

    const row = await waitFor(async () => (await storedEvent(after.id)) && (await storedEvent(hostile.id)), { timeoutMs: 20_000, what: 'both events stored' });
    expect(row.source).toBe('src\\u0000');
    expect(row.data).toEqual({ note: 'a\\u0000b', half: 'x\ufffdy', 'key\\u0000\ufffd': ['\ud83d\ude00', { deep: '\ufffd' }], back: 'C:\\u0000 is text' });
    expect(row.metadata).toMatchObject({ producer_id: 'p\\u0000' });
  }, 60_000);

  it('records an event whose data is nested 20,000 deep, without that data, and keeps consuming the partition', async () => {
    const subject = 'pay_deep';
    const deep = sampleCanonicalEvent({ tenant_id: TENANT, subject_id: subject });
    const after = sampleCanonicalEvent({ tenant_id: 'ten_other', subject_id: subject });
    const depth = 20_000;
    // Serialised by hand: JSON.stringify itself cannot go that deep.
    const raw = JSON.stringify({ ...deep, data: { marker: 0 } }).replace('{"marker":0}', `{"v":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    await projection.kafka.publisher.publishEncoded(Topics.events, [{ key: subject, value: raw }]);
    await projection.kafka.publisher.publish(Topics.events, [{ value: after }]);
    const row = await waitFor(async () => (await storedEvent(after.id)) && (await storedEvent(deep.id)), { timeoutMs: 20_000, what: 'both events stored' });
    expect(row.data).toEqual({ _unstorable: expect.stringContaining('nested deeper than') });
  }, 60_000);

  it('stores outcomes whose response body and headers hold NUL and lone surrogates', async () => {
    const event = sampleCanonicalEvent({ tenant_id: TENANT, subject_id: 'pay_outcome' });
    const at = new Date().toISOString();
    const outcome: DeliveryOutcome = {
      invocation_id: deterministicId('ivc', event.id, WORKFLOW, ACTION),
      tenant_id: TENANT,
      event_id: event.id,
      workflow_id: WORKFLOW,
      workflow_version: 1,
      action_id: ACTION,
      attempt: 1,
      timestamp: at,
      retry: false,
      succeeded: false,
      final: false,
      status_code: 500,
      error_kind: 'http_status',
      error_message: 'boom\u0000',
      url: 'https://merchant.example/\ud800',
      request_headers: { 'x-custom\u0000': 'v\udbff' },
      response_body: 'nul\u0000here\udfff',
      response_received_at: at,
      duration_ms: 3,
      next_attempt_at: null,
    };
    const healthy = { ...outcome, invocation_id: deterministicId('ivc', event.id, WORKFLOW, 'wfa_bbbbbbbbbbbbbbbbbbbbbbbbbb'), response_body: 'fine', error_message: null, url: 'https://ok.example/', request_headers: {} };
    await projection.kafka.publisher.publish(Topics.deliveryOutcomes, [outcome, healthy].map((o) => ({ value: o })));
    const attempts = await waitFor(
      async () => {
        const { rows } = await projection.db.query(`SELECT * FROM ${projection.schema}.attempts WHERE invocation_id = ANY($1::text[])`, [[outcome.invocation_id, healthy.invocation_id]]);
        return rows.length === 2 ? rows : undefined;
      },
      { timeoutMs: 20_000, what: 'both attempts stored' },
    );
    const stored = attempts.find((r) => r.invocation_id === outcome.invocation_id);
    expect(stored).toMatchObject({ response_body: 'nul\\u0000here\ufffd', error_message: 'boom\\u0000', url: 'https://merchant.example/\ufffd', request_headers: { 'x-custom\\u0000': 'v\ufffd' } });
  }, 60_000);
});
