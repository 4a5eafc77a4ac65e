import { Contracts, DelayTiers, DeliveryJob } from '@hookstream/contracts';
import { AttemptRecord, AttemptResult, classifyAttempt, decideNextStep } from '@hookstream/delivery-domain';
import { createLogger } from '@hookstream/logging';
import type { MessagePublisher } from '@hookstream/messaging';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import type { AttemptExecutor } from './attempt-executor';
import { BatchDelivery } from './batch-delivery';
import { ConcurrencyGate } from './concurrency-gate';
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
    publishMany: async (batches: { contract: { topic: { name: string } }; messages: { key: string; value: unknown; headers?: Record<string, string> }[] }[]) => {
      for (const b of batches) for (const m of b.messages) into.push({ topic: b.contract.topic.name, ...m });
    },
  } as unknown as MessagePublisher;
}

function record(job: DeliveryJob, result: AttemptResult): AttemptRecord {
  const nowMs = Date.now();
  const verdict = classifyAttempt(result, nowMs);
  return { job, startedAt: new Date(nowMs), durationMs: 1, requestHeaders: {}, result, verdict, next: decideNextStep(job, verdict, { nowMs, timeScale: 1 }) };
}

const ok = (): AttemptResult => ({ kind: 'response', status: 200, body: null, receivedAt: new Date() });

describe('BatchDelivery', () => {
  const logger = createLogger({ service: 'test', level: 'silent' });

  function setup(attempt: (job: DeliveryJob) => Promise<AttemptResult>, options: { perEndpoint?: number; patienceMs?: number; open?: boolean } = {}) {
    const background: Published[] = [];
    const ledger = new HandoffLedger(60_000);
    const executor = { attempt: async (job: DeliveryJob) => record(job, await attempt(job)), isOpen: () => options.open ?? false } as unknown as AttemptExecutor;
    const delivery = new BatchDelivery(executor, new ConcurrencyGate(100, options.perEndpoint ?? 10), ledger, fakePublisher(background), logger, options.patienceMs ?? 100);
    const run = async (jobs: DeliveryJob[]) => {
      const published: Published[] = [];
      const outbox = new Outbox();
      await delivery.deliver(jobs, outbox);
      await outbox.publish(fakePublisher(published));
      return published;
    };
    return { delivery, ledger, background, run };
  }

  it('puts every finished attempt’s outcome and follow-ups in the batch outbox', async () => {
    const { run } = setup(async (job) => (job.target_url.includes('fail') ? { kind: 'response', status: 500, body: null, receivedAt: new Date() } : ok()));
    const good = deliveryJob({ url: 'http://ok.test/' });
    const bad = deliveryJob({ url: 'http://fail.test/' });
    const published = await run([good, bad]);
    const outcomes = published.filter((p) => p.topic === Contracts.deliveryOutcomes.topic.name);
    expect(outcomes.map((o) => o.key).sort()).toEqual([good.event.id, bad.event.id].sort());
    const retries = published.filter((p) => p.topic.startsWith('delivery.retry.'));
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ key: bad.action.id, value: { attempt: 2, invocation_id: bad.invocation_id }, headers: { [TierHeaders.reason]: 'retry' } });
    // checkout's first retry is 5 minutes away: the 2-minute tier, the longest that does not overshoot.
    expect(retries[0].topic).toBe(DelayTiers[3].name);
  });

  it('hands a slow attempt off: a safety copy in the outbox, the outcome published by itself later', async () => {
    let finish!: () => void;
    const { run, ledger, background, delivery } = setup((job) =>
      job.target_url.includes('slow') ? new Promise<AttemptResult>((resolve) => (finish = () => resolve(ok()))) : Promise.resolve(ok()),
    );
    const slow = deliveryJob({ url: 'http://slow.test/', action: { timeout_ms: 5_000 } });
    const fast = deliveryJob({ url: 'http://fast.test/' });
    const started = Date.now();
    const published = await run([slow, fast]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(published.filter((p) => p.topic === Contracts.deliveryOutcomes.topic.name).map((p) => p.key)).toEqual([fast.event.id]);
    const copy = published.find((p) => p.headers?.[TierHeaders.handoff]);
    const key = HandoffLedger.key(slow.invocation_id, slow.attempt);
    expect(copy).toMatchObject({ key: slow.action.id, value: { attempt: 1, invocation_id: slow.invocation_id }, headers: { [TierHeaders.handoff]: key } });
    // Due only after the attempt's own deadline has certainly passed.
    expect(Date.parse((copy?.value as DeliveryJob).due_at as string)).toBeGreaterThanOrEqual(started + 5_000);
    expect(ledger.state(key)).toBe('in_flight');
    expect(delivery.inBackground).toBe(1);

    finish();
    await delivery.drain(1_000);
    expect(background.filter((p) => p.topic === Contracts.deliveryOutcomes.topic.name).map((p) => p.key)).toEqual([slow.event.id]);
    expect(ledger.state(key)).toBe('settled');
  });

  it('defers jobs that found no free slot, without attempting them', async () => {
    const attempted: string[] = [];
    const { run, delivery } = setup(
      (job) => {
        attempted.push(job.invocation_id);
        return new Promise<AttemptResult>((resolve) => setTimeout(() => resolve(ok()), 300));
      },
      { perEndpoint: 1, patienceMs: 50 },
    );
    const jobs = [1, 2, 3].map(() => deliveryJob({ url: 'http://busy.test/' }));
    const published = await run(jobs);
    expect(attempted).toEqual([jobs[0].invocation_id]);
    const deferred = published.filter((p) => p.headers?.[TierHeaders.reason] === 'deferred');
    expect(deferred.map((p) => (p.value as DeliveryJob).invocation_id)).toEqual([jobs[1].invocation_id, jobs[2].invocation_id]);
    expect(deferred.every((p) => (p.value as DeliveryJob).attempt === 1 && Date.parse((p.value as DeliveryJob).due_at as string) > Date.now())).toBe(true);
    await delivery.drain(1_000);
    // The cancelled waiters never got a slot, even once the first attempt ended.
    expect(attempted).toHaveLength(1);
  });

  it('waits past its patience for a queue behind a busy endpoint while every attempt stays quick', async () => {
    const { run } = setup(() => new Promise<AttemptResult>((resolve) => setTimeout(() => resolve(ok()), 20)), { perEndpoint: 1, patienceMs: 100 });
    const jobs = Array.from({ length: 8 }, () => deliveryJob({ url: 'http://busy.test/' }));
    const published = await run(jobs);
    // About 8 x 20 ms, past the 100 ms patience: every job attempted, none deferred.
    expect(published.filter((p) => p.topic === Contracts.deliveryOutcomes.topic.name)).toHaveLength(8);
    expect(published.filter((p) => p.headers?.[TierHeaders.reason] === 'deferred')).toEqual([]);
  });

  it('lets the safety copy redo the attempt when its outcome could not be published', async () => {
    let finish!: () => void;
    const ledger = new HandoffLedger(60_000);
    const executor = {
      attempt: async (job: DeliveryJob) => record(job, await new Promise<AttemptResult>((r) => (finish = () => r(ok())))),
      isOpen: () => false,
    } as unknown as AttemptExecutor;
    const failing = { publishMany: async () => Promise.reject(new Error('broker down')) } as unknown as MessagePublisher;
    const delivery = new BatchDelivery(executor, new ConcurrencyGate(10, 10), ledger, failing, logger, 20);
    const job = deliveryJob({ url: 'http://slow.test/' });
    await delivery.deliver([job], new Outbox());
    finish();
    await delivery.drain(1_000);
    expect(ledger.state(HandoffLedger.key(job.invocation_id, 1))).toBeUndefined();
  });

  it('defers, without waiting, new jobs for an endpoint whose handed-off attempts still run', async () => {
    const hang = new Promise<AttemptResult>(() => undefined);
    const attempted: string[] = [];
    const { run } = setup((job) => (attempted.push(job.target_url), job.target_url.includes('hole') ? hang : Promise.resolve(ok())), { patienceMs: 200 });
    await run([deliveryJob({ url: 'http://hole.test/', action: { timeout_ms: 8_000 } })]);
    // The hung attempt has run a while: its endpoint's jobs back off about as long.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const later = deliveryJob({ url: 'http://hole.test/' });
    const other = deliveryJob({ url: 'http://fine.test/' });
    const started = Date.now();
    const published = await run([later, other]);
    expect(Date.now() - started).toBeLessThan(200);
    expect(attempted).toEqual(['http://hole.test/', 'http://fine.test/']);
    const deferred = published.find((p) => p.headers?.[TierHeaders.reason] === 'deferred')?.value as DeliveryJob;
    expect(deferred).toMatchObject({ invocation_id: later.invocation_id, attempt: 1 });
    const backOffMs = Date.parse(deferred.due_at as string) - started;
    expect(backOffMs).toBeGreaterThanOrEqual(1_400);
    expect(backOffMs).toBeLessThan(2_500);
    expect(published.filter((p) => p.topic === Contracts.deliveryOutcomes.topic.name).map((p) => p.key)).toEqual([other.event.id]);
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
    expect(published.find((p) => p.topic === Contracts.deliveryOutcomes.topic.name)?.value).toMatchObject({ error_kind: 'circuit_open', attempt: 1, final: false });
  });

  it("gives a handed-off attempt's share of the total back, so hung endpoints cannot starve healthy ones", async () => {
    const hang = new Promise<AttemptResult>(() => undefined);
    const gate = new ConcurrencyGate(2, 2);
    const executor = { attempt: async (job: DeliveryJob) => record(job, job.target_url.includes('hole') ? await hang : ok()), isOpen: () => false } as unknown as AttemptExecutor;
    const delivery = new BatchDelivery(executor, gate, new HandoffLedger(60_000), fakePublisher([]), logger, 50);
    await delivery.deliver([deliveryJob({ url: 'http://hole-1.test/' }), deliveryJob({ url: 'http://hole-2.test/' })], new Outbox());
    expect(gate.inBackground).toBe(2);
    const outbox = new Outbox();
    const healthy = [deliveryJob({ url: 'http://fine.test/' }), deliveryJob({ url: 'http://fine.test/' })];
    await delivery.deliver(healthy, outbox);
    const published: Published[] = [];
    await outbox.publish(fakePublisher(published));
    expect(published.filter((p) => p.topic === Contracts.deliveryOutcomes.topic.name).map((p) => p.key)).toEqual(healthy.map((j) => j.event.id));
  });
});
