import { DelayTiers, DeliveryDeadLetter, DeliveryJob, DeliveryOutcome, Topics } from '@hookstream/contracts';
import { AttemptRecord, AttemptResult, buildOutcome, classifyAttempt, decideNextStep } from '@hookstream/delivery-domain';
import { createLogger } from '@hookstream/logging';
import type { TenantOrigin } from '@hookstream/delivery-http';
import type { MessagePublisher } from '@hookstream/messaging';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import type { AttemptExecutor } from './attempt-executor';
import { ConcurrencyGate } from './concurrency-gate';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { TierHeaders } from './delivery-settings';
import { HandoffLedger } from './handoff-ledger';
import { Outbox } from './outbox';

interface Published {
  topic: string;
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

function fakePublisher(into: Published[]): MessagePublisher {
  return {
    publishEncodedMany: async (batches: { topic: { name: string }; messages: { key: string; value: string; headers?: Record<string, string> }[] }[]) => {
      for (const b of batches) for (const m of b.messages) into.push({ topic: b.topic.name, ...m, value: JSON.parse(m.value) });
    },
  } as unknown as MessagePublisher;
}

/** Moves the fake clock on in small steps until the promise settles (or `maxMs` have passed). */
async function settle<T>(promise: Promise<T>, maxMs = 60_000): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  for (let elapsed = 0; !done && elapsed < maxMs; elapsed += 5) await jest.advanceTimersByTimeAsync(5);
  return promise;
}

function record(job: DeliveryJob, result: AttemptResult): AttemptRecord {
  const nowMs = Date.now();
  const verdict = classifyAttempt(result, nowMs);
  return { job, startedAt: new Date(nowMs), durationMs: 1, requestHeaders: {}, result, verdict, next: decideNextStep(job, verdict, { nowMs, timeScale: 1 }) };
}

const ok = (): AttemptResult => ({ kind: 'response', status: 200, body: null, receivedAt: new Date() });
const sleep = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const outcomesIn = (published: Published[]) => published.filter((p) => p.topic === Topics.deliveryOutcomes.name).map((p) => p.key);
const deferredIn = (published: Published[]) => published.filter((p) => p.headers?.[TierHeaders.reason] === 'deferred').map((p) => p.value as DeliveryJob);

describe('DeliveryDispatcher', () => {
  const logger = createLogger({ service: 'test', level: 'silent' });
  const dispatchers: DeliveryDispatcher[] = [];
  // Fake timers and Date: attempts that take time take fake time, and nothing here sleeps.
  beforeEach(() => jest.useFakeTimers());
  afterEach(async () => {
    await settle(Promise.all(dispatchers.splice(0).map((d) => d.drain(0))));
    jest.useRealTimers();
  });

  function setup(
    attempt: (job: DeliveryJob) => Promise<AttemptResult>,
    options: {
      total?: number;
      perEndpoint?: number;
      tenantShare?: number;
      patienceMs?: number;
      open?: boolean | ((at: TenantOrigin) => boolean);
      maxPending?: number;
      publisher?: MessagePublisher;
      record?: (job: DeliveryJob, result: AttemptResult) => AttemptRecord;
    } = {},
  ) {
    const published: Published[] = [];
    const ledger = new HandoffLedger(60_000);
    const gate = new ConcurrencyGate({ total: options.total ?? 100, perOrigin: options.perEndpoint ?? 10, tenantShare: options.tenantShare });
    const isOpen = (at: TenantOrigin) => (typeof options.open === 'function' ? options.open(at) : (options.open ?? false));
    const executor = { attempt: async (job: DeliveryJob) => (options.record ?? record)(job, await attempt(job)), isOpen } as unknown as AttemptExecutor;
    const dispatcher = new DeliveryDispatcher(executor, gate, ledger, options.publisher ?? fakePublisher(published), logger, {
      patienceMs: options.patienceMs ?? 100,
      maxPending: options.maxPending ?? 1000,
      tenantShare: options.tenantShare,
      clock: { now: () => Date.now() },
    });
    dispatchers.push(dispatcher);
    /** Dispatches and waits until durable; what was published meanwhile. */
    const run = async (jobs: DeliveryJob[], outbox?: Outbox) => {
      const from = published.length;
      const { durable } = await settle(dispatcher.dispatch(jobs, outbox));
      await settle(durable);
      return published.slice(from);
    };
    return { dispatcher, ledger, gate, published, run };
  }

  it('publishes every finished attempt’s outcome and follow-ups before the jobs count as durable', async () => {
    const { run } = setup(async (job) => (job.action.url.includes('fail') ? { kind: 'response', status: 500, body: null, receivedAt: new Date() } : ok()));
    const good = deliveryJob({ url: 'http://ok.test/' });
    const bad = deliveryJob({ url: 'http://fail.test/' });
    const published = await run([good, bad]);
    expect(outcomesIn(published).sort()).toEqual([good.event.id, bad.event.id].sort());
    const retries = published.filter((p) => p.topic.startsWith('delivery.retry.'));
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ key: bad.action.id, value: { attempt: 2, invocation_id: bad.invocation_id }, headers: { [TierHeaders.reason]: 'retry' } });
    // checkout's first retry is 5 minutes away: the 2-minute tier, the longest that does not overshoot.
    expect(retries[0].topic).toBe(DelayTiers[3].name);
  });

  it('returns from dispatch before the attempts end, so the next batch is fetched meanwhile', async () => {
    let finish!: () => void;
    const { dispatcher, published } = setup(() => new Promise<AttemptResult>((resolve) => (finish = () => resolve(ok()))), { patienceMs: 5_000 });
    const job = deliveryJob({ url: 'http://ok.test/' });
    const { durable } = await dispatcher.dispatch([job]);
    let isDurable = false;
    void durable.then(() => (isDurable = true));
    await sleep(20);
    expect(isDurable).toBe(false);
    expect(dispatcher.inFlight).toBe(1);
    finish();
    await settle(durable);
    expect(outcomesIn(published)).toEqual([job.event.id]);
  });

  it('waits for room when maxPending jobs are queued or attempting', async () => {
    const finishers: (() => void)[] = [];
    const { dispatcher } = setup(() => new Promise<AttemptResult>((resolve) => finishers.push(() => resolve(ok()))), { maxPending: 2, patienceMs: 5_000 });
    await dispatcher.dispatch([deliveryJob({ url: 'http://a.test/' })]);
    // Placed, but now two are attempting: the caller waits before fetching more.
    let placed = false;
    const second = dispatcher.dispatch([deliveryJob({ url: 'http://b.test/' })]).then(() => (placed = true));
    await sleep(20);
    expect(placed).toBe(false);
    expect(dispatcher.inFlight).toBe(2);
    finishers[0]();
    await settle(second);
    expect(placed).toBe(true);
    finishers.forEach((f) => f());
  });

  it('hands an attempt past its patience off: a safety copy makes it durable, its outcome comes by itself later', async () => {
    let finish!: () => void;
    const { run, ledger, dispatcher, published } = setup((job) =>
      job.action.url.includes('slow') ? new Promise<AttemptResult>((resolve) => (finish = () => resolve(ok()))) : Promise.resolve(ok()),
    );
    const slow = deliveryJob({ url: 'http://slow.test/', action: { timeout_ms: 5_000 } });
    const fast = deliveryJob({ url: 'http://fast.test/' });
    const started = Date.now();
    const first = await run([slow, fast]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(outcomesIn(first)).toEqual([fast.event.id]);
    const copy = first.find((p) => p.headers?.[TierHeaders.handoff]);
    const key = HandoffLedger.key(slow.invocation_id, slow.attempt);
    expect(copy).toMatchObject({ key: slow.action.id, value: { attempt: 1, invocation_id: slow.invocation_id }, headers: { [TierHeaders.handoff]: key } });
    // Due only after the attempt's own deadline has certainly passed.
    expect(Date.parse((copy?.value as DeliveryJob).due_at as string)).toBeGreaterThanOrEqual(started + 5_000);
    expect(ledger.state(key)).toBe('in_flight');
    expect(dispatcher.inBackground).toBe(1);

    finish();
    await settle(dispatcher.drain(1_000));
    expect(outcomesIn(published)).toEqual([fast.event.id, slow.event.id]);
    expect(ledger.state(key)).toBe('settled');
  });

  it('defers what queues for an endpoint whose attempt ran past its patience, without attempting it', async () => {
    const attempted: string[] = [];
    const { run, dispatcher } = setup(
      (job) => {
        attempted.push(job.invocation_id);
        return new Promise<AttemptResult>((resolve) => setTimeout(() => resolve(ok()), 300));
      },
      { perEndpoint: 1, patienceMs: 50 },
    );
    const jobs = [1, 2, 3].map(() => deliveryJob({ url: 'http://busy.test/' }));
    const published = await run(jobs);
    expect(attempted).toEqual([jobs[0].invocation_id]);
    const deferred = deferredIn(published);
    expect(deferred.map((j) => j.invocation_id)).toEqual([jobs[1].invocation_id, jobs[2].invocation_id]);
    expect(deferred.every((j) => j.attempt === 1 && Date.parse(j.due_at as string) > Date.now())).toBe(true);
    await settle(dispatcher.drain(1_000));
    // The cancelled waiters never got a slot, even once the first attempt ended.
    expect(attempted).toHaveLength(1);
  });

  it('keeps the queue of an endpoint that still answers when one of its attempts hangs', async () => {
    let calls = 0;
    const { run } = setup(() => (calls++ === 0 ? new Promise<AttemptResult>(() => undefined) : new Promise<AttemptResult>((resolve) => setTimeout(() => resolve(ok()), 20))), {
      perEndpoint: 2,
      patienceMs: 50,
    });
    const jobs = Array.from({ length: 8 }, () => deliveryJob({ url: 'http://busy.test/' }));
    const published = await run(jobs);
    // The first hangs and is handed off; the other slot keeps answering, so nothing is deferred.
    expect(deferredIn(published)).toEqual([]);
    expect(outcomesIn(published)).toHaveLength(7);
  });

  it('lets a queue behind a busy endpoint wait as long as every attempt stays quick', async () => {
    const { run } = setup(() => new Promise<AttemptResult>((resolve) => setTimeout(() => resolve(ok()), 20)), { perEndpoint: 1, patienceMs: 100 });
    const jobs = Array.from({ length: 8 }, () => deliveryJob({ url: 'http://busy.test/' }));
    const published = await run(jobs);
    // About 8 x 20 ms, past the 100 ms patience: every job attempted, none deferred.
    expect(outcomesIn(published)).toHaveLength(8);
    expect(deferredIn(published)).toEqual([]);
  });

  it('lets the safety copy redo the attempt when its outcome could not be published', async () => {
    let finish!: () => void;
    const failing = { publishEncodedMany: async () => Promise.reject(new Error('broker down')) } as unknown as MessagePublisher;
    const { dispatcher, ledger } = setup(() => new Promise<AttemptResult>((resolve) => (finish = () => resolve(ok()))), { patienceMs: 20, publisher: failing });
    const job = deliveryJob({ url: 'http://slow.test/' });
    const { durable } = await dispatcher.dispatch([job]);
    await expect(settle(durable)).rejects.toThrow('broker down');
    finish();
    await settle(dispatcher.drain(1_000));
    expect(ledger.state(HandoffLedger.key(job.invocation_id, 1))).toBeUndefined();
  });

  it('defers new jobs for an endpoint whose handed-off attempt still runs, for about as long as it has run', async () => {
    const hang = new Promise<AttemptResult>(() => undefined);
    const attempted: string[] = [];
    const { run } = setup((job) => (attempted.push(job.action.url), job.action.url.includes('hole') ? hang : Promise.resolve(ok())), { patienceMs: 200 });
    await run([deliveryJob({ url: 'http://hole.test/', action: { timeout_ms: 8_000 } })]);
    // The hung attempt has run a while: its endpoint's jobs back off about as long.
    await sleep(1_300);
    const later = deliveryJob({ url: 'http://hole.test/' });
    const other = deliveryJob({ url: 'http://fine.test/' });
    const started = Date.now();
    const published = await run([later, other]);
    expect(Date.now() - started).toBeLessThan(200);
    expect(attempted).toEqual(['http://hole.test/', 'http://fine.test/']);
    const [deferred] = deferredIn(published);
    expect(deferred).toMatchObject({ invocation_id: later.invocation_id, attempt: 1 });
    const backOffMs = Date.parse(deferred.due_at as string) - started;
    expect(backOffMs).toBeGreaterThanOrEqual(1_400);
    expect(backOffMs).toBeLessThan(2_500);
    expect(outcomesIn(published)).toEqual([other.event.id]);
  });

  it('still attempts them when the endpoint’s breaker is open, so they are short-circuited and counted', async () => {
    const attempted: string[] = [];
    const { run } = setup((job) => (attempted.push(job.invocation_id), attempted.length === 1 ? new Promise<AttemptResult>(() => undefined) : Promise.resolve({ kind: 'failure', failure: 'circuit_open', message: 'open' })), {
      patienceMs: 100,
      open: true,
    });
    await run([deliveryJob({ url: 'http://hole.test/' })]);
    const next = deliveryJob({ url: 'http://hole.test/' });
    const published = await run([next]);
    expect(attempted).toContain(next.invocation_id);
    expect(published.find((p) => p.topic === Topics.deliveryOutcomes.name)?.value).toMatchObject({ error_kind: 'circuit_open', attempt: 1, final: false });
  });

  it("gives a handed-off attempt's share of the total back, so hung endpoints cannot starve healthy ones", async () => {
    const hang = new Promise<AttemptResult>(() => undefined);
    const { run, gate } = setup((job) => (job.action.url.includes('hole') ? hang : Promise.resolve(ok())), { total: 2, perEndpoint: 2, patienceMs: 50 });
    await run([deliveryJob({ url: 'http://hole-1.test/' }), deliveryJob({ url: 'http://hole-2.test/' })]);
    expect(gate.inBackground).toBe(2);
    const healthy = [deliveryJob({ url: 'http://fine.test/' }), deliveryJob({ url: 'http://fine.test/' })];
    const published = await run(healthy);
    expect(outcomesIn(published)).toEqual(healthy.map((j) => j.event.id));
  });

  it('publishes the outbox given with the jobs (jobs scheduled for later) as part of what becomes durable', async () => {
    const { run } = setup(async () => ok());
    const later = deliveryJob({ url: 'http://ok.test/', dueAt: new Date(Date.now() + 60_000) });
    const outbox = new Outbox();
    outbox.add(Topics.deliveryOutcomes, buildOutcome(record(later, ok())));
    const published = await run([], outbox);
    expect(published.map((p) => p.key)).toEqual([later.event.id]);
  });

  describe('fair sharing between tenants', () => {
    const hang = () => new Promise<AttemptResult>(() => undefined);
    const noisyJobs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => deliveryJob({ url: `http://hole-${from + i}.test/`, event: { tenant_id: 'ten_noisy' } }));
    const deferredFor = (published: Published[], tenant: string) => deferredIn(published).filter((j) => j.tenant_id === tenant);

    it('holds a tenant with many hanging origins to its share of the foreground and background slots while other tenants deliver', async () => {
      const attempted: string[] = [];
      const { dispatcher, gate, published, run } = setup((job) => (attempted.push(job.tenant_id), job.tenant_id === 'ten_noisy' ? hang() : Promise.resolve(ok())), {
        total: 8,
        perEndpoint: 4,
        tenantShare: 0.25,
        maxPending: 32,
        patienceMs: 50,
      });
      // Its share: 2 of the 8 foreground slots, 8 of the 32 background ones, 8 of the 32 pending jobs.
      expect(gate.tenantLimits).toEqual({ foreground: 2, background: 8 });
      // Shares apply beside other tenants: one delivered just before.
      const neighbour = deliveryJob({ url: 'http://fine.test/', event: { tenant_id: 'ten_q0' } });
      await run([neighbour]);
      const first = await run(noisyJobs(40));
      // 8 placed, every one hung and handed off to the background; the other 32 wait in the delay tiers.
      expect(attempted.filter((t) => t === 'ten_noisy')).toHaveLength(8);
      expect(gate.heldBy('ten_noisy')).toEqual({ foreground: 0, background: 8 });
      expect(deferredFor(first, 'ten_noisy')).toHaveLength(32);

      // More of them: the background share is full, so 2 hang in the foreground; the 6 queued behind
      // them would wait for their deadline, keeping their batch uncommitted: they are deferred too.
      const { durable: noisyDurable } = await settle(dispatcher.dispatch(noisyJobs(40, 40)));
      await settle(noisyDurable);
      expect(attempted.filter((t) => t === 'ten_noisy')).toHaveLength(10);
      expect(gate.heldBy('ten_noisy')).toEqual({ foreground: 2, background: 8 });
      expect(dispatcher.pendingOf('ten_noisy')).toBe(0);
      expect(deferredFor(published, 'ten_noisy')).toHaveLength(32 + 38);

      // Meanwhile other tenants use the rest, up to their own shares.
      const quiet = ['ten_q1', 'ten_q2', 'ten_q3'].flatMap((tenant) => [1, 2, 3, 4].map(() => deliveryJob({ url: 'http://fine.test/', event: { tenant_id: tenant } })));
      const delivered = await run(quiet);
      expect(outcomesIn(delivered).sort()).toEqual(quiet.map((j) => j.event.id).sort());
      expect(deferredIn(delivered)).toEqual([]);
      // The noisy tenant never held more than its share, and its jobs were neither dropped nor failed: hung, or deferred unattempted.
      expect(gate.heldBy('ten_noisy')).toEqual({ foreground: 2, background: 8 });
      expect(outcomesIn(published).filter((key) => ![...quiet, neighbour].some((j) => j.event.id === key))).toEqual([]);
      expect(deferredFor(published, 'ten_noisy').every((j) => j.attempt === 1)).toBe(true);
      expect(new Set([...deferredFor(published, 'ten_noisy').map((j) => j.invocation_id)]).size).toBe(80 - 10);
    });

    it('turns away the jobs of a tenant past its share of the pending jobs, unattempted, and spaces their return', async () => {
      const attempted: string[] = [];
      const { dispatcher, published } = setup((job) => (attempted.push(job.tenant_id), job.tenant_id === 'ten_noisy' ? hang() : Promise.resolve(ok())), {
        total: 8,
        tenantShare: 0.25,
        maxPending: 32,
        patienceMs: 60_000,
      });
      // Shares apply beside other tenants: one delivered just before.
      const neighbour = deliveryJob({ url: 'http://fine.test/', event: { tenant_id: 'ten_q0' } });
      const { durable: neighbourDurable } = await settle(dispatcher.dispatch([neighbour]));
      await settle(neighbourDurable);
      attempted.length = 0;
      const started = Date.now();
      // Returns at once: the tenant's 8 pending jobs leave room for everyone else's.
      await settle(dispatcher.dispatch(Array.from({ length: 40 }, () => deliveryJob({ url: 'http://slow.test/', event: { tenant_id: 'ten_noisy' } }))));
      await sleep(100);
      expect(dispatcher.pendingOf('ten_noisy')).toBe(8);
      expect(attempted).toHaveLength(2);
      const turnedAway = deferredFor(published, 'ten_noisy');
      expect(turnedAway).toHaveLength(32);
      expect(turnedAway.every((j) => j.attempt === 1)).toBe(true);
      // About a share's worth (8) comes back each second, from a second on, not all 32 at once.
      const dueMs = turnedAway.map((j) => Date.parse(j.due_at as string) - started);
      expect(dueMs[0]).toBeGreaterThanOrEqual(1_000);
      expect(dueMs.filter((ms) => ms < 2_000).length).toBeLessThanOrEqual(8);
      expect(dueMs[31]).toBeGreaterThanOrEqual(dueMs[0] + 3_800);
      expect([...dueMs].sort((a, b) => a - b)).toEqual(dueMs);

      const quiet = deliveryJob({ url: 'http://slow.test/', event: { tenant_id: 'ten_quiet' } });
      const { durable } = await settle(dispatcher.dispatch([quiet]));
      await settle(durable);
      expect(outcomesIn(published)).toEqual([neighbour.event.id, quiet.event.id]);
    });

    it('lets a tenant alone past its share: nothing is turned away when no other tenant waits beside it', async () => {
      const attempted: string[] = [];
      const { published, run } = setup((job) => (attempted.push(job.tenant_id), Promise.resolve(ok())), { total: 8, tenantShare: 0.25, maxPending: 32 });
      const bulk = Array.from({ length: 30 }, (_, i) => deliveryJob({ url: `http://fan-${i % 10}.test/`, event: { tenant_id: 'ten_bulk' } }));
      await run(bulk);
      expect(deferredIn(published)).toEqual([]);
      expect(attempted).toHaveLength(30);
    });

    it('keeps one tenant’s hung attempt at a shared origin from stalling another tenant’s jobs there', async () => {
      const attempted: string[] = [];
      const { run } = setup((job) => (attempted.push(job.tenant_id), job.tenant_id === 'ten_a' ? hang() : Promise.resolve(ok())), { patienceMs: 200 });
      await run([deliveryJob({ url: 'http://shared.test/a', event: { tenant_id: 'ten_a' }, action: { timeout_ms: 8_000 } })]);
      await sleep(1_300);
      const mine = deliveryJob({ url: 'http://shared.test/a', event: { tenant_id: 'ten_a' } });
      const theirs = deliveryJob({ url: 'http://shared.test/b', event: { tenant_id: 'ten_b' } });
      const published = await run([mine, theirs]);
      // Stuck for ten_a, which backs off; ten_b's job to the same origin is attempted and delivered.
      expect(deferredIn(published).map((j) => j.invocation_id)).toEqual([mine.invocation_id]);
      expect(outcomesIn(published)).toEqual([theirs.event.id]);
      expect(attempted).toEqual(['ten_a', 'ten_b']);
    });

    it("asks the job's own tenant's breaker whether a stuck endpoint is open", async () => {
      const attempted: string[] = [];
      const circuitOpen: AttemptResult = { kind: 'failure', failure: 'circuit_open', message: 'open' };
      const { run } = setup((job) => (attempted.push(job.invocation_id), attempted.length === 1 ? hang() : Promise.resolve(circuitOpen)), {
        patienceMs: 100,
        open: (at) => at.tenantId === 'ten_b',
      });
      await run([deliveryJob({ url: 'http://hole.test/', event: { tenant_id: 'ten_a' } })]);
      await sleep(300);
      const next = deliveryJob({ url: 'http://hole.test/', event: { tenant_id: 'ten_a' } });
      const published = await run([next]);
      // ten_a's breaker is closed: its stuck endpoint defers, rather than short-circuits, its next job.
      expect(deferredIn(published).map((j) => j.invocation_id)).toEqual([next.invocation_id]);
      expect(attempted).toHaveLength(1);
    });
  });

  it('retries a schedule of zeros no sooner than the minimum retry delay', async () => {
    const { run } = setup(async () => ({ kind: 'response', status: 500, body: null, receivedAt: new Date() }));
    const job = deliveryJob({ url: 'http://fail.test/', action: { retry_policy: [0, 0, 0] } });
    const started = Date.now();
    const published = await run([job]);
    const [retry] = published.filter((p) => p.topic.startsWith('delivery.retry.'));
    expect(retry.topic).toBe(DelayTiers[0].name);
    expect(Date.parse((retry.value as DeliveryJob).due_at as string) - started).toBeGreaterThanOrEqual(1_000);
  });

  describe('one job that cannot be followed up fails alone', () => {
    const deadLettersIn = (published: Published[]) => published.filter((p) => p.topic === Topics.deliveryExhausted.name).map((p) => p.value as DeliveryDeadLetter);
    const failed = (job: DeliveryJob): AttemptResult => ({ kind: 'response', status: job.action.url.includes('fail') ? 500 : 200, body: null, receivedAt: new Date() });

    it('dead-letters a job whose next attempt is due at no date, with an outcome saying why, and publishes the others', async () => {
      const { run } = setup(async (job) => failed(job), {
        record: (job, result) => {
          const r = record(job, result);
          return job.action.url.includes('fail') ? { ...r, next: { kind: 'retry', attempt: 2, dueAt: new Date(Number.NaN) } } : r;
        },
      });
      const poison = deliveryJob({ url: 'http://fail.test/' });
      const others = [deliveryJob({ url: 'http://ok-1.test/' }), deliveryJob({ url: 'http://ok-2.test/' })];
      const published = await run([others[0], poison, others[1]]);
      expect(outcomesIn(published).sort()).toEqual([others[0].event.id, poison.event.id, others[1].event.id].sort());
      const [dead] = deadLettersIn(published);
      expect(dead).toMatchObject({ job: { invocation_id: poison.invocation_id }, reason: expect.stringMatching(/^follow-up could not be built: RangeError/) });
      const outcome = published.find((p) => p.topic === Topics.deliveryOutcomes.name && p.key === poison.event.id)?.value as DeliveryOutcome;
      expect(outcome).toMatchObject({ final: true, succeeded: false, next_attempt_at: null, error_message: dead.reason });
      expect(published.filter((p) => p.topic.startsWith('delivery.retry.'))).toEqual([]);
    });

    it('dead-letters a job whose attempt threw, and the rest of the batch becomes durable', async () => {
      const { run } = setup(async (job) => {
        if (job.action.url.includes('throw')) throw new TypeError('not expected');
        return ok();
      });
      const poison = deliveryJob({ url: 'http://throw.test/' });
      const other = deliveryJob({ url: 'http://ok.test/' });
      const published = await run([poison, other]);
      expect(outcomesIn(published)).toEqual([other.event.id]);
      expect(deadLettersIn(published)).toEqual([expect.objectContaining({ reason: 'attempt failed unexpectedly: TypeError: not expected' })]);
    });

    it('sends a summary to the rejected topic when not even the job can be dead-lettered (data deeper than JSON.stringify reaches)', async () => {
      const { run } = setup(async () => failed({ action: { url: 'http://fail.test/' } } as DeliveryJob));
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 20_000; i++) deep = { d: deep };
      const poison = { ...deliveryJob({ url: 'http://fail.test/' }), event: { ...deliveryJob({ url: 'http://fail.test/' }).event, data: deep } };
      const other = deliveryJob({ url: 'http://fail.test/' });
      const published = await run([poison, other]);
      const rejected = published.filter((p) => p.topic === Topics.deliveryRejected.name);
      expect(rejected).toEqual([
        expect.objectContaining({ key: poison.action.id, value: expect.objectContaining({ invocation_id: poison.invocation_id, reason: expect.stringContaining('RangeError') }) }),
      ]);
      expect(rejected[0].headers?.['dead-letter-reason']).toContain('could not be dead-lettered');
      // The other job's outcome and retry went out as usual.
      expect(outcomesIn(published)).toContain(other.event.id);
      expect(published.filter((p) => p.topic.startsWith('delivery.retry.')).map((p) => (p.value as DeliveryJob).invocation_id)).toEqual([other.invocation_id]);
    });
  });
});
