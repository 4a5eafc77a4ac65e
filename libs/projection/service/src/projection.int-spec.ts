import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CanonicalEvent, DeliveryOutcome, deterministicId, newId, ReflowRequest, Topics } from '@hookstream/contracts';
import { sampleCanonicalEvent, waitFor } from '@hookstream/testing';
import { ProjectionUnderTest } from './__fixtures__/projection-under-test';

const TENANT = 'ten_e2e';
const WORKFLOW = 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const ACTION = 'wfa_aaaaaaaaaaaaaaaaaaaaaaaaaa';
// Inside the retention window whenever the test runs.
const BASE = Date.now() - 3_600_000;

const canonicalEvent = (subjectId: string, overrides: Partial<CanonicalEvent> = {}) => sampleCanonicalEvent({ tenant_id: TENANT, subject_id: subjectId, ...overrides });

function outcome(event: CanonicalEvent, attempt: number, at: number, result: { succeeded: boolean; final: boolean; retry?: boolean; version?: number }): DeliveryOutcome {
  const timestamp = new Date(at).toISOString();
  return {
    invocation_id: deterministicId('ivc', event.id, WORKFLOW, ACTION),
    tenant_id: event.tenant_id,
    event_id: event.id,
    workflow_id: WORKFLOW,
    workflow_version: result.version ?? 1,
    action_id: ACTION,
    attempt,
    timestamp,
    retry: result.retry ?? attempt > 1,
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
const minute = (n: number) => BASE + n * 60_000;

describe('projection read models against the real broker and Postgres', () => {
  const projection = new ProjectionUnderTest('proj', { PROJECTION_PURGE_EVERY_MINUTES: '0.01', PROJECTION_PURGE_BATCH_SIZE: '2' });
  const { platform } = projection;

  beforeAll(() => projection.start(), 120_000);
  afterAll(() => projection.stop(), 60_000);

  const api = async (path: string, tenant = TENANT) => {
    const res = await platform.internal('projection', 'GET', `/internal${path}`, { tenantId: tenant });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
    return { status: res.status, body: (await res.json()) as any };
  };
  const publishEvents = (events: CanonicalEvent[]) => projection.kafka.publisher.publish(Topics.events, events.map((e) => ({ value: e })));
  const publishOutcomes = (outcomes: DeliveryOutcome[]) => projection.kafka.publisher.publish(Topics.deliveryOutcomes, outcomes.map((o) => ({ value: o })));
  const publishReflows = (events: CanonicalEvent[]) =>
    projection.kafka.publisher.publish(
      Topics.reflowRequests,
      events.map((event) => {
        const request: ReflowRequest = { request_id: newId('cmd'), tenant_id: event.tenant_id, event, requested_at: new Date().toISOString() };
        return { value: request };
      }),
    );
  /** Messages written so far, per kind, from the service's own counter. */
  const written = async (kind: 'event' | 'outcome' | 'test_event'): Promise<number> => {
    const text = await (await fetch(`${platform.opsUrl('projection')}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('projection_messages_total{') && l.includes(`kind="${kind}"`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };
  const dump = async () => ({
    events: (await projection.db.query(`SELECT * FROM ${projection.schema}.events ORDER BY id`)).rows,
    invocations: (await projection.db.query(`SELECT * FROM ${projection.schema}.invocations ORDER BY invocation_id`)).rows,
    // Without the feed position (seq, xact_id): every write takes a new, later one, a rebuild's too, so live tails never go back.
    attempts: (await projection.db.query(`SELECT * FROM ${projection.schema}.attempts ORDER BY invocation_id, timestamp, attempt`)).rows.map(
      ({ seq: _seq, xact_id: _xact, ...attempt }: Record<string, unknown>) => attempt,
    ),
  });


  it('ends in the right state when outcomes arrive before their event and out of order', async () => {
    const event = canonicalEvent('pay_ooo');
    await publishOutcomes([
      outcome(event, 3, minute(3), { succeeded: true, final: true }),
      outcome(event, 1, minute(1), { succeeded: false, final: false }),
    ]);
    await publishOutcomes([outcome(event, 2, minute(2), { succeeded: false, final: false })]);
    await publishEvents([event]);

    const invocation = await waitFor(async () => {
      const res = await api(`/events/${event.id}/actions/${ACTION}`);
      return res.status === 200 && res.body.attempts.length === 3 ? res.body : undefined;
    }, { what: 'the invocation with three attempts' });
    expect(invocation.invocation.status).toBe('successful');
    expect(invocation.attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3]);
    expect(invocation.attempts.map((a: { retry: boolean }) => a.retry)).toEqual([false, true, true]);
    // Events and outcomes are read by two consumers: the event may land a moment after its attempts.
    const got = await waitFor(async () => {
      const res = await api(`/events/${event.id}`);
      return res.body?.event ? res : undefined;
    }, { what: 'the event itself' });
    expect(got.body.event).toEqual({ ...event, received_at: event.received_at, timestamp: event.timestamp });
    expect(got.body.invocations).toEqual([{ invocation_id: invocation.invocation.invocation_id, workflow_id: WORKFLOW, action_id: ACTION, status: 'successful', workflow_version: 1 }]);
  });

  it('writes the same rows when the same batches come again', async () => {
    const event = canonicalEvent('pay_twice');
    const outcomes = [outcome(event, 1, minute(1), { succeeded: false, final: false }), outcome(event, 2, minute(2), { succeeded: false, final: true })];
    const [events0, outcomes0] = [await written('event'), await written('outcome')];
    await publishEvents([event]);
    await publishOutcomes(outcomes);
    await waitFor(async () => (await written('event')) >= events0 + 1 && (await written('outcome')) >= outcomes0 + 2, { what: 'the first delivery of the batches' });
    const before = await dump();
    expect(before.invocations.find((i) => i.event_id === event.id)).toMatchObject({ status: 'failed' });

    await publishEvents([event]);
    await publishOutcomes(outcomes);
    await waitFor(async () => (await written('event')) >= events0 + 2 && (await written('outcome')) >= outcomes0 + 4, { what: 'the second delivery of the batches' });
    expect(await dump()).toEqual(before);
  });

  it('follows a reflow: pending again while its new run (numbered from 1) goes on, then its result, with the version it ran', async () => {
    const event = canonicalEvent('pay_reflowed');
    await publishEvents([event]);
    await publishOutcomes([outcome(event, 1, minute(1), { succeeded: false, final: false, version: 3 }), outcome(event, 2, minute(2), { succeeded: false, final: true, version: 3 })]);
    await waitFor(async () => (await api(`/events/${event.id}`)).body.invocations?.[0]?.status === 'failed', { what: 'failed status' });
    expect((await api(`/events/${event.id}`)).body.invocations[0].workflow_version).toBe(3);

    // The reflow matched the workflow as it is now, a later version.
    await publishOutcomes([outcome(event, 1, minute(10), { succeeded: false, final: false, retry: true, version: 5 })]);
    await waitFor(async () => (await api(`/events/${event.id}/actions/${ACTION}`)).body.attempts?.length === 3, { what: 'the reflow attempt' });
    expect((await api(`/events/${event.id}`)).body.invocations[0]).toMatchObject({ status: 'pending', workflow_version: 5 });

    await publishOutcomes([outcome(event, 2, minute(11), { succeeded: true, final: true, version: 5 })]);
    const res = await waitFor(async () => {
      const got = await api(`/events/${event.id}/actions/${ACTION}`);
      return got.body.attempts?.length === 4 && got.body;
    }, { what: 'the reflow success' });
    expect(res.invocation).toMatchObject({ status: 'successful', workflow_version: 5 });
    expect(res.attempts.map((a: { attempt: number; succeeded: boolean; workflow_version: number }) => [a.attempt, a.succeeded, a.workflow_version])).toEqual([
      [1, false, 3],
      [2, false, 3],
      [1, false, 5],
      [2, true, 5],
    ]);
  });

  it('reads an outcome from a delivery older than workflow versions: its version is null', async () => {
    const event = canonicalEvent('pay_unversioned');
    const { workflow_version: _, ...older } = outcome(event, 1, minute(1), { succeeded: true, final: true });
    await publishEvents([event]);
    await projection.kafka.publisher.publishEncoded(Topics.deliveryOutcomes, [{ key: event.id, value: JSON.stringify(older) }]);
    const got = await waitFor(async () => {
      const res = await api(`/events/${event.id}/actions/${ACTION}`);
      return res.status === 200 && res.body;
    }, { what: 'the unversioned invocation' });
    expect(got.invocation).toMatchObject({ status: 'successful', workflow_version: null });
    expect(got.attempts.map((a: { workflow_version: unknown }) => a.workflow_version)).toEqual([null]);
  });

  it('hides other tenants’ events, subjects and invocations', async () => {
    const event = canonicalEvent('pay_private');
    await publishEvents([event]);
    await publishOutcomes([outcome(event, 1, minute(1), { succeeded: true, final: true })]);
    await waitFor(async () => (await api(`/events/${event.id}/actions/${ACTION}`)).status === 200 && (await api(`/events/${event.id}`)).body?.event, { what: 'the invocation and its event' });
    expect((await api(`/events/${event.id}`, 'ten_other')).status).toBe(404);
    expect((await api(`/events/${event.id}/actions/${ACTION}`, 'ten_other')).status).toBe(404);
    expect((await api(`/subjects/pay_private/events`, 'ten_other')).status).toBe(404);
    expect((await api(`/events?ids=${event.id}`, 'ten_other')).body.events).toEqual([]);
    expect((await api(`/events?ids=${event.id}`)).body.events.map((e: CanonicalEvent) => e.id)).toEqual([event.id]);
  });

  it('pages a subject newest first with a cursor, events of one millisecond included', async () => {
    const base = Date.parse('2026-11-01T00:00:00Z');
    const times = ['.000001', '.000002', '.000003', '.001', '.002'].map((fraction) => new Date(base).toISOString().replace('.000', fraction));
    const events = times.map((timestamp) => canonicalEvent('pay_paged', { timestamp }));
    await publishEvents(events);
    await waitFor(async () => (await api(`/subjects/pay_paged/events?limit=10`)).body.events?.length === 5, { what: 'five subject events' });
    const first = (await api(`/subjects/pay_paged/events?limit=2`)).body;
    const second = (await api(`/subjects/pay_paged/events?limit=2&cursor=${first.next_cursor}`)).body;
    const third = (await api(`/subjects/pay_paged/events?limit=2&cursor=${second.next_cursor}`)).body;
    const ids = [...first.events, ...second.events, ...third.events].map((e: CanonicalEvent) => e.id);
    expect(ids).toEqual([...events].reverse().map((e) => e.id));
    expect(third.next_cursor).toBeNull();
    expect((await api(`/subjects/pay_nobody/events`)).status).toBe(404);
    expect((await api(`/subjects/pay_paged/events?cursor=garbage`)).body).toEqual({ error_type: 'request_invalid', error_codes: ['cursor_invalid'] });
    expect((await api(`/subjects/pay_paged/events?limit=0`)).status).toBe(422);
    expect((await api(`/subjects/pay_paged/events?limit=501`)).status).toBe(422);
  });

  it('counts subjects’ events for a reflow, reading no more than the cap, for the caller’s tenant only', async () => {
    await publishEvents([...Array.from({ length: 3 }, () => canonicalEvent('pay_counted_a')), canonicalEvent('pay_counted_b')]);
    const count = async (body: unknown, tenant = TENANT) => {
      const res = await platform.internal('projection', 'POST', '/internal/subjects/event-counts', { tenantId: tenant, body });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- asserted field by field
      return { status: res.status, body: (await res.json()) as any };
    };
    const sorted = (counts: { subject_id: string; events: number }[]) => [...counts].sort((a, b) => a.subject_id.localeCompare(b.subject_id));
    const subjects = ['pay_counted_a', 'pay_counted_b', 'pay_counted_none'];
    await waitFor(async () => (await count({ subject_ids: subjects, cap: 100 })).body.counts?.length === 2, { what: 'both subjects counted' });
    expect(sorted((await count({ subject_ids: subjects, cap: 100 })).body.counts)).toEqual([
      { subject_id: 'pay_counted_a', events: 3 },
      { subject_id: 'pay_counted_b', events: 1 },
    ]);
    const capped = (await count({ subject_ids: subjects, cap: 2 })).body.counts as { events: number }[];
    expect(capped.reduce((sum, c) => sum + c.events, 0)).toBe(2);
    expect((await count({ subject_ids: subjects, cap: 100 }, 'ten_other')).body).toEqual({ counts: [] });
    expect((await count({ subject_ids: [], cap: 100 })).status).toBe(422);
    expect((await count({ subject_ids: ['pay_counted_a'], cap: 0 })).status).toBe(422);
    expect((await count('not json at all')).status).toBe(400);
  });

  it('stores test samples from reflow requests, and leaves reflows of stored events alone', async () => {
    // One subject, one partition: once the sample is stored, the plain reflow before it was read.
    const unstored = canonicalEvent('pay_samples');
    const sample = canonicalEvent('pay_samples', { metadata: { test: true }, data: { test: true } });
    await publishReflows([unstored, sample]);
    const stored = await waitFor(async () => {
      const res = await api(`/events/${sample.id}`);
      return res.status === 200 && res.body.event;
    }, { what: 'the test sample' });
    expect(stored).toMatchObject({ metadata: { test: true }, data: { test: true } });
    expect((await api(`/events/${unstored.id}`)).status).toBe(404);
  });

  it('dead-letters what fails the contract, and reads on', async () => {
    const event = canonicalEvent('pay_after_garbage');
    await projection.kafka.publisher.publishEncoded(Topics.events, [{ key: 'pay_after_garbage', value: '{"id":"not an event"}' }]);
    await publishEvents([event]);
    await waitFor(async () => (await api(`/events/${event.id}`)).status === 200, { what: 'the event after the bad one' });
    await waitFor(() => projection.deadLetters.messages.some((m) => String(m.value) === '{"id":"not an event"}'), { what: 'the dead letter' });
  });

  it('rebuilt from the start of its topics, yields identical rows', async () => {
    const before = await dump();
    expect(before.events.length).toBeGreaterThanOrEqual(8);
    expect(before.attempts.length).toBeGreaterThanOrEqual(10);
    await platform.service('projection').stop();
    await promisify(execFile)('bash', ['scripts/run-service.sh', 'projection', '--rebuild'], { env: { ...process.env, ...platform.env() } });
    expect(await dump()).toEqual({ events: [], invocations: [], attempts: [] });
    await platform.service('projection').start();
    await waitFor(async () => {
      const after = await dump();
      return after.events.length === before.events.length && after.attempts.length === before.attempts.length && after.invocations.length === before.invocations.length;
    }, { timeoutMs: 60_000, what: 'the replay to finish' });
    expect(await dump()).toEqual(before);
  }, 120_000);

  it('refuses to rebuild while projection runs, and clears nothing', async () => {
    const before = await dump();
    const rebuild = promisify(execFile)('bash', ['scripts/run-service.sh', 'projection', '--rebuild'], { env: { ...process.env, ...platform.env() } });
    await expect(rebuild).rejects.toThrow(/still running/);
    expect((await dump()).events.length).toBe(before.events.length);
  }, 60_000);

  it('purges events, invocations and attempts past the retention age, in batches, and keeps recent ones', async () => {
    // Same subject, same partition: once the recent event is stored, the old ones were written before it.
    const old = Array.from({ length: 5 }, () => canonicalEvent('pay_aging', { received_at: '2020-01-01T00:00:00.000Z' }));
    const recent = canonicalEvent('pay_aging');
    const keptBefore = (await dump()).events.length;
    await publishOutcomes(old.map((e) => outcome(e, 1, Date.parse('2020-01-01T00:00:00Z'), { succeeded: true, final: true })));
    await publishEvents([...old, recent]);
    await waitFor(async () => (await api(`/events/${recent.id}`)).status === 200, { what: 'the recent event' });
    const oldIds = old.map((e) => e.id);
    await waitFor(async () => {
      const left = await projection.db.query(
        `SELECT (SELECT count(*) FROM ${projection.schema}.events WHERE id = ANY($1)) + (SELECT count(*) FROM ${projection.schema}.invocations WHERE event_id = ANY($1)) AS n`,
        [oldIds],
      );
      return Number(left.rows[0].n) === 0;
    }, { timeoutMs: 20_000, what: 'the old rows to be purged' });
    const oldAttempts = await projection.db.query(`SELECT count(*) AS n FROM ${projection.schema}.attempts WHERE timestamp < '2021-01-01'`);
    expect(Number(oldAttempts.rows[0].n)).toBe(0);
    expect((await api(`/events/${recent.id}`)).status).toBe(200);
    expect((await dump()).events.length).toBe(keptBefore + 1);
  }, 60_000);
});
