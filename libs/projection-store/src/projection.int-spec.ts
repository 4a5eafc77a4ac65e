import { Client } from 'pg';
import { CanonicalEvent, Contracts, deterministicId, DeliveryOutcome, Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { sampleCanonicalEvent, TestPlatform, testLogger, waitFor } from '@hookstream/testing';

const TENANT = 'ten_e2e';

const canonicalEvent = (subjectId: string, overrides: Partial<CanonicalEvent> = {}) => sampleCanonicalEvent({ tenant_id: TENANT, subject_id: subjectId, ...overrides });

function outcome(event: CanonicalEvent, attempt: number, minuteOffset: number, result: { succeeded: boolean; final: boolean }): DeliveryOutcome {
  const workflowId = 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa';
  const actionId = 'wfa_aaaaaaaaaaaaaaaaaaaaaaaaaa';
  const timestamp = new Date(Date.parse('2026-11-22T10:00:00Z') + minuteOffset * 60_000).toISOString();
  return {
    invocation_id: deterministicId('ivc', event.id, workflowId, actionId),
    tenant_id: TENANT,
    event_id: event.id,
    workflow_id: workflowId,
    action_id: actionId,
    attempt,
    timestamp,
    retry: attempt > 1,
    succeeded: result.succeeded,
    final: result.final,
    status_code: result.succeeded ? 200 : 500,
    error_kind: result.succeeded ? null : 'http_status',
    error_message: null,
    url: 'https://merchant.example/hook',
    request_headers: { 'webhook-id': 'x' },
    response_body: '{}',
    response_received_at: timestamp,
    duration_ms: 12,
    next_attempt_at: null,
  };
}

describe('projection read models against the real broker and Postgres', () => {
  const platform = new TestPlatform({ label: 'proj', services: ['projection'], env: { PROJECTION_PURGE_EVERY_MINUTES: '0.01' } });
  let kafka: KafkaConnection;
  let db: Client;
  const schema = () => `${platform.prefix.toLowerCase()}projection`;

  const api = async (path: string, tenant = TENANT) => {
    const res = await fetch(`${platform.url('projection')}/internal${path}`, { headers: { 'x-hookstream-tenant': tenant } });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
    return { status: res.status, body: (await res.json()) as any };
  };
  const publishEvents = (events: CanonicalEvent[]) => kafka.publisher.publish(Contracts.events, events.map((e) => ({ key: e.subject_id, value: e })));
  const publishOutcomes = (outcomes: DeliveryOutcome[]) => kafka.publisher.publish(Contracts.deliveryOutcomes, outcomes.map((o) => ({ key: o.event_id, value: o })));
  const dump = async () => ({
    events: (await db.query(`SELECT * FROM ${schema()}.events ORDER BY id`)).rows,
    invocations: (await db.query(`SELECT * FROM ${schema()}.invocations ORDER BY invocation_id`)).rows,
    attempts: (await db.query(`SELECT * FROM ${schema()}.attempts ORDER BY invocation_id, timestamp, attempt`)).rows,
  });

  beforeAll(async () => {
    kafka = new KafkaConnection({ brokers: platform.env().KAFKA_BROKERS.split(','), clientId: 'proj-test', topicPrefix: platform.prefix, logger: testLogger() });
    await kafka.connect();
    await kafka.ensureTopics([Topics.events, Topics.deliveryOutcomes]);
    await platform.start();
    db = new Client({ connectionString: platform.env().DATABASE_URL });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await platform.stop();
    await db?.end();
    await kafka?.disconnect();
  }, 60_000);

  it('ends in the right state when outcomes arrive before their event and out of order, and replays change nothing', async () => {
    const event = canonicalEvent('pay_ooo');
    const attempts = [
      outcome(event, 3, 3, { succeeded: true, final: true }),
      outcome(event, 1, 1, { succeeded: false, final: false }),
      outcome(event, 2, 2, { succeeded: false, final: false }),
    ];
    await publishOutcomes(attempts);
    await publishEvents([event]);
    await publishOutcomes(attempts); // the same batch again
    await publishEvents([event]);

    const invocation = await waitFor(async () => {
      const res = await api(`/events/${event.id}/actions/wfa_aaaaaaaaaaaaaaaaaaaaaaaaaa`);
      return res.status === 200 && res.body.attempts.length === 3 ? res.body : undefined;
    }, { what: 'the invocation with three attempts' });
    expect(invocation.invocation.status).toBe('successful');
    expect(invocation.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
    expect(invocation.attempts.map((a: { retry: boolean }) => a.retry)).toEqual([false, true, true]);
    const got = await api(`/events/${event.id}`);
    expect(got.body.event).toMatchObject({ id: event.id, subject_id: 'pay_ooo', data: { amount: 5 } });
    expect(got.body.invocations).toEqual([expect.objectContaining({ status: 'successful' })]);
  });

  it('marks an invocation failed when its last attempt is final, and hides other tenants', async () => {
    const event = canonicalEvent('pay_failed');
    await publishEvents([event]);
    await publishOutcomes([outcome(event, 2, 2, { succeeded: false, final: true }), outcome(event, 1, 1, { succeeded: false, final: false })]);
    await waitFor(async () => (await api(`/events/${event.id}`)).body.invocations?.[0]?.status === 'failed', { what: 'failed status' });
    expect((await api(`/events/${event.id}`, 'ten_other')).status).toBe(404);
    expect((await api(`/subjects/pay_failed/events`, 'ten_other')).status).toBe(404);
  });

  it('pages a subject newest first with a cursor', async () => {
    const base = Date.parse('2026-11-01T00:00:00Z');
    const events = Array.from({ length: 5 }, (_, i) => canonicalEvent('pay_paged', { timestamp: new Date(base + i * 1000).toISOString() }));
    await publishEvents(events);
    await waitFor(async () => (await api(`/subjects/pay_paged/events?limit=10`)).body.events?.length === 5, { what: 'five subject events' });
    const first = (await api(`/subjects/pay_paged/events?limit=2`)).body;
    const second = (await api(`/subjects/pay_paged/events?limit=2&cursor=${first.next_cursor}`)).body;
    const third = (await api(`/subjects/pay_paged/events?limit=2&cursor=${second.next_cursor}`)).body;
    const ids = [...first.events, ...second.events, ...third.events].map((e: CanonicalEvent) => e.id);
    expect(ids).toEqual([...events].reverse().map((e) => e.id));
    expect(third.next_cursor).toBeNull();
    expect((await api(`/subjects/pay_nobody/events`)).status).toBe(404);
  });

  it('rebuilt from the start of its topics, yields identical rows', async () => {
    await waitFor(async () => (await dump()).attempts.length >= 5, { what: 'rows to compare' });
    const before = await dump();
    await platform.service('projection').stop();
    const { execFileSync } = await import('node:child_process');
    execFileSync('bash', ['scripts/run-service.sh', 'projection', '--rebuild'], { env: { ...process.env, ...platform.env() }, stdio: 'ignore' });
    expect((await dump()).events).toEqual([]);
    await platform.service('projection').start();
    await waitFor(async () => {
      const after = await dump();
      return after.events.length === before.events.length && after.attempts.length === before.attempts.length;
    }, { timeoutMs: 60_000, what: 'the replay to finish' });
    expect(await dump()).toEqual(before);
  }, 120_000);

  it('purges events past the retention age and keeps recent ones', async () => {
    // Same subject, same partition: once the recent event is stored, the old one was written before it.
    const old = canonicalEvent('pay_aging', { received_at: '2020-01-01T00:00:00.000Z' });
    const recent = canonicalEvent('pay_aging');
    await publishEvents([old, recent]);
    await waitFor(async () => (await api(`/events/${recent.id}`)).status === 200, { what: 'the recent event' });
    await waitFor(async () => (await api(`/events/${old.id}`)).status === 404, { timeoutMs: 20_000, what: 'the old event to be purged' });
    expect((await api(`/events/${recent.id}`)).status).toBe(200);
  });
});
