import { DataSource } from 'typeorm';
import type { CanonicalEvent, StoredEventPage } from '@hookstream/contracts';
import { UpstreamError } from '@hookstream/gateway-http';
import type { Clock } from '@hookstream/messaging';
import { openServiceDataSource } from '@hookstream/persistence';
import { Metrics } from '@hookstream/service-runtime';
import { sampleCanonicalEvent, testInfra, testLogger, uniquePrefix } from '@hookstream/testing';
import type { GatewayEventsSettings } from './gateway-events-settings';
import { ReflowIo, ReflowRunner } from './reflow-runner';
import { PAGE_ATTEMPTS } from './reflow-plan';
import { CreateReflows1767100000000 } from './reflow.migration';
import { NewReflow, ReflowRepository } from './reflow.repository';

/** Waits resolve on the next turn, each moving this clock on by what was asked: pacing and backoff cost no real time. */
function virtualClock(): Clock {
  let now = 0;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      now += ms;
      return setTimeout(fn, 0);
    },
    clearTimeout: (timer) => clearTimeout(timer),
  };
}

/** Subjects' events, newest first, paged by index; publishes recorded. */
class FakeIo implements ReflowIo {
  readonly published: { tenantId: string; eventId: string; workflowIds?: readonly string[] }[] = [];
  readonly reads: string[] = [];
  /** Called before a publish, with how many came before it. */
  beforePublish: (count: number) => void = () => undefined;
  failing = new Map<string, () => Error>();

  constructor(private readonly subjects: Map<string, CanonicalEvent[]>) {}

  async subjectPage(_tenantId: string, subjectId: string, cursor: string | null, limit: number): Promise<StoredEventPage | undefined> {
    this.reads.push(`${subjectId}@${cursor ?? 0}`);
    const fail = this.failing.get(subjectId);
    if (fail) throw fail();
    const events = this.subjects.get(subjectId) ?? [];
    const from = Number(cursor ?? 0);
    if (events.length === 0) return undefined;
    const page = events.slice(from, from + limit);
    return { events: page, next_cursor: from + limit < events.length ? String(from + limit) : null };
  }

  async publish(tenantId: string, events: readonly CanonicalEvent[], workflowIds?: readonly string[]): Promise<number> {
    this.beforePublish(this.published.length);
    for (const event of events) this.published.push({ tenantId, eventId: event.id, ...(workflowIds ? { workflowIds } : {}) });
    return events.length;
  }
}

const eventsOf = (subjectId: string, count: number) => Array.from({ length: count }, () => sampleCanonicalEvent({ subject_id: subjectId }));

describe('reflows by subject against the real Postgres', () => {
  const schema = `${uniquePrefix('reflows').toLowerCase()}gateway`;
  let dataSource: DataSource;
  let reflows: ReflowRepository;
  const subjects = new Map([
    ['pay_five', eventsOf('pay_five', 5)],
    ['pay_three', eventsOf('pay_three', 3)],
  ]);
  const everyEventId = [...subjects.values()].flat().map((e) => e.id);
  // eventsPerSecond 2: pages of 2 events.
  const settings: GatewayEventsSettings = {
    projectionUrl: 'http://unused',
    workflowConfigUrl: 'http://unused',
    publicBaseUrl: 'https://api.example.com',
    reflow: { maxEvents: 100, concurrency: 2, eventsPerSecond: 2, maxUnfinishedPerTenant: 3 },
    liveTail: { maxStreamsPerTenant: 5 },
  };
  let tenantN = 0;
  const newTenant = () => `ten_reflow${++tenantN}`;
  const planned = (tenantId: string, workflowIds?: string[]): NewReflow => ({
    tenantId,
    subjects: [
      { subject_id: 'pay_five', events: 5 },
      { subject_id: 'pay_three', events: 3 },
    ],
    withoutEvents: 0,
    events: 8,
    workflowIds,
  });
  const create = async (reflow: NewReflow, max = 3) => {
    const row = await reflows.create(reflow, max);
    if (row === 'too_many') throw new Error('expected a queued reflow');
    return row;
  };
  const runner = (io: ReflowIo) => new ReflowRunner(reflows, io, virtualClock(), settings, testLogger('reflows'), new Metrics('gateway'));
  const runAll = async (r: ReflowRunner) => {
    await r.claim();
    await r.idle();
  };

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testInfra().databaseUrl, schema, entities: [], migrations: [CreateReflows1767100000000] });
    reflows = new ReflowRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  // Each test leaves nothing queued for the next one's runner.
  afterEach(async () => {
    await dataSource.query(`DELETE FROM reflows`);
  });

  it('publishes every event of every subject once, a page at a time, and records the reflow completed', async () => {
    const tenantId = newTenant();
    const queued = await create(planned(tenantId, ['wf_aaaaaaaaaaaaaaaaaaaaaaaaaa']));
    expect(queued).toMatchObject({ status: 'queued', subjects_done: 0, events_total: 8, events_published: 0 });
    const io = new FakeIo(subjects);

    await runAll(runner(io));

    expect(io.published.map((p) => p.eventId)).toEqual(everyEventId);
    expect(io.published.every((p) => p.tenantId === tenantId && p.workflowIds?.[0] === 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa')).toBe(true);
    // 5 events in pages of 2, then 3.
    expect(io.reads).toEqual(['pay_five@0', 'pay_five@2', 'pay_five@4', 'pay_three@0', 'pay_three@2']);
    expect(await reflows.find(tenantId, queued.id)).toMatchObject({
      status: 'completed',
      subjects_done: 2,
      page_cursor: null,
      events_published: 8,
      errors: [],
      started_at: expect.any(Date),
      finished_at: expect.any(Date),
    });
    expect(await reflows.find(newTenant(), queued.id)).toBeUndefined();
  });

  it('resumes a reflow whose runner died, from its last recorded page, once the lease has run out', async () => {
    const tenantId = newTenant();
    const queued = await create(planned(tenantId));
    // A gateway took it, recorded its first page, and died.
    expect(await reflows.claim('dead-gateway', 60)).toMatchObject({ id: queued.id });
    expect(await reflows.saveProgress(queued.id, 'dead-gateway', { subjects_done: 0, page_cursor: '2', events_published: 2, errors: [] }, 60)).toBe(true);
    const io = new FakeIo(subjects);

    await runAll(runner(io));
    expect(io.reads).toEqual([]);

    await dataSource.query(`UPDATE reflows SET lease_until = now() - interval '1 second' WHERE id = $1`, [queued.id]);
    await runAll(runner(io));

    expect(io.published.map((p) => p.eventId)).toEqual(everyEventId.slice(2));
    expect(await reflows.find(tenantId, queued.id)).toMatchObject({ status: 'completed', events_published: 8 });
    // The dead gateway, back, may no longer write to it.
    expect(await reflows.saveProgress(queued.id, 'dead-gateway', { subjects_done: 1, page_cursor: null, events_published: 9, errors: [] }, 60)).toBe(false);
  });

  it('hands a reflow back when its gateway stops, and another gateway finishes it without repeating a page', async () => {
    const tenantId = newTenant();
    const queued = await create(planned(tenantId));
    const io = new FakeIo(subjects);
    const stopping = runner(io);
    let stopped: Promise<void> | undefined;
    io.beforePublish = (count) => {
      if (count === 2) stopped = stopping.onModuleDestroy();
    };

    await runAll(stopping);
    await stopped;

    expect(await reflows.find(tenantId, queued.id)).toMatchObject({ status: 'queued', subjects_done: 0, page_cursor: '4', events_published: 4 });
    io.beforePublish = () => undefined;
    await runAll(runner(io));
    expect(io.published.map((p) => p.eventId)).toEqual(everyEventId);
    expect(await reflows.find(tenantId, queued.id)).toMatchObject({ status: 'completed', events_published: 8 });
  });

  it('skips a subject projection refuses, and fails the reflow after a subject out of reach fails every attempt', async () => {
    const tenantId = newTenant();
    const refusedIo = new FakeIo(subjects);
    refusedIo.failing.set('pay_five', () => new UpstreamError(422, { error_type: 'request_invalid', error_codes: ['cursor_invalid'] }));
    const skipped = await create(planned(tenantId));
    await runAll(runner(refusedIo));
    expect(refusedIo.published.map((p) => p.eventId)).toEqual(everyEventId.slice(5));
    expect(await reflows.find(tenantId, skipped.id)).toMatchObject({
      status: 'completed',
      subjects_done: 2,
      events_published: 3,
      errors: [{ code: 'subject_refused', subject_id: 'pay_five', attempt: 1, at: expect.any(String) }],
    });

    const downIo = new FakeIo(subjects);
    downIo.failing.set('pay_three', () => new Error('projection out of reach'));
    const failed = await create(planned(tenantId));
    await runAll(runner(downIo));
    const row = await reflows.find(tenantId, failed.id);
    expect(row).toMatchObject({ status: 'failed', subjects_done: 1, events_published: 5, finished_at: expect.any(Date) });
    const attempts = Array.from({ length: PAGE_ATTEMPTS }, (_, i) => i + 1);
    expect(row?.errors.map((e) => [e.code, e.attempt])).toEqual(attempts.map((n) => ['events_unreadable', n]));
    expect(downIo.reads.filter((r) => r.startsWith('pay_three'))).toHaveLength(PAGE_ATTEMPTS);
  });

  it('gives the next runner slot to the tenant with fewer reflows running, and bounds a tenant’s unfinished reflows', async () => {
    const busy = newTenant();
    const quiet = newTenant();
    const busyFirst = await create(planned(busy));
    await create(planned(busy));
    const quietOne = await create(planned(quiet));

    expect((await reflows.claim('gateway-a', 60))?.id).toBe(busyFirst.id);
    // The busy tenant's second is older, but it already has one running.
    expect((await reflows.claim('gateway-a', 60))?.id).toBe(quietOne.id);

    await create(planned(busy));
    expect(await reflows.create(planned(busy), 3)).toBe('too_many');
    expect(await reflows.finish(busyFirst.id, 'gateway-a', { subjects_done: 2, page_cursor: null, events_published: 8, errors: [] }, 'completed')).toBe(true);
    expect(await reflows.create(planned(busy), 3)).toMatchObject({ status: 'queued' });
  });
});
