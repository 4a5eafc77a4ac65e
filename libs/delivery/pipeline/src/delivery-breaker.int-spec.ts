import { newId } from '@hookstream/contracts';
import { HttpReceiver, waitFor } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import { DeliveryHarness, QUICK_OPENING_BREAKERS } from './__fixtures__/delivery-harness';

const HOLE_TIMEOUT_MS = 5_000;

// One action whose jobs go to two endpoints (as CAF's per-event webhook URL
// does): same key, same partition, so the black-holed endpoint sits in the
// very batches of the healthy one. The breaker opens after 5 failures and
// stays open for the rest of the test.
describe('delivery circuit breakers', () => {
  let harness: DeliveryHarness;
  let hole: HttpReceiver;
  let healthy: HttpReceiver;

  beforeAll(async () => {
    hole = await new HttpReceiver().start();
    healthy = await new HttpReceiver().start();
    hole.script('/hook', { blackHole: true });
    harness = await DeliveryHarness.start('breaker', QUICK_OPENING_BREAKERS);
  }, 90_000);
  afterAll(async () => {
    await Promise.all([hole?.stop(), healthy?.stop()]);
    await harness?.stop();
  });

  const wave = (actionId: string, holes: number, oks: number) => {
    const jobs = [];
    for (let i = 0; i < Math.max(holes, oks); i++) {
      if (i < holes) jobs.push({ hole: true, job: deliveryJob({ url: hole.url('/hook'), actionId, action: { timeout_ms: HOLE_TIMEOUT_MS, retry_policy: [60_000, 60_000] } }) });
      if (i < oks) jobs.push({ hole: false, job: deliveryJob({ url: healthy.url('/hook'), actionId }) });
    }
    return jobs;
  };

  it('keeps delivering to a healthy endpoint while a black hole times out, then short-circuits the black hole', async () => {
    const actionId = newId('wfa');
    const first = wave(actionId, 20, 100);
    const firstHoles = first.filter((j) => j.hole).map((j) => j.job);
    const firstHealthy = first.filter((j) => !j.hole).map((j) => j.job);
    // The black-holed attempts are in flight first; the healthy jobs come
    // after them, in the same partition.
    await harness.publish(...firstHoles);
    await waitFor(() => hole.on('/hook').length >= 5, { timeoutMs: 30_000, what: 'the black hole to be hit' });
    await harness.publish(...firstHealthy);
    await waitFor(() => firstHealthy.every((job) => harness.outcomesOf(job).some((o) => o.succeeded)), { timeoutMs: 30_000, what: 'the healthy deliveries' });
    const holeAttempts = await waitFor(
      () => {
        const outcomes = firstHoles.map((job) => harness.outcomesOf(job).find((o) => o.attempt === 1));
        return outcomes.every(Boolean) ? outcomes.map((o) => o as NonNullable<typeof o>) : undefined;
      },
      { timeoutMs: 30_000, what: 'the black hole attempts to time out' },
    );
    // Every request the black hole got timed out; jobs that found it already
    // slow (or its breaker open) were held back rather than sent.
    const sent = hole.on('/hook').length;
    const timedOut = holeAttempts.filter((o) => o.error_kind === 'timeout');
    expect(timedOut).toHaveLength(sent);
    expect(sent).toBeGreaterThanOrEqual(5);
    expect(holeAttempts.every((o) => ['timeout', 'circuit_open'].includes(o.error_kind ?? '') && !o.final)).toBe(true);
    // The healthy endpoint did not wait for the black hole: all of its
    // requests arrived before the first black-holed attempt even gave up.
    const firstTimeout = Math.min(...timedOut.map((o) => Date.parse(o.timestamp) + o.duration_ms));
    expect(Math.max(...healthy.on('/hook').map((r) => r.receivedAt))).toBeLessThan(firstTimeout);

    // The breaker is open now: the next wave's black-holed jobs are not sent,
    // they are short-circuited to the delay tiers, and the healthy ones flow.
    const second = wave(actionId, 20, 100);
    await harness.publish(...second.map((j) => j.job));
    const secondHoles = second.filter((j) => j.hole).map((j) => j.job);
    await waitFor(() => second.filter((j) => !j.hole).every(({ job }) => harness.outcomesOf(job).some((o) => o.succeeded)), { timeoutMs: 30_000, what: 'the second healthy wave' });
    const shortCircuited = await waitFor(
      () => {
        const outcomes = secondHoles.map((job) => harness.outcomesOf(job).find((o) => o.attempt === 1));
        return outcomes.every(Boolean) ? outcomes.map((o) => o as NonNullable<typeof o>) : undefined;
      },
      { timeoutMs: 10_000, what: 'the short-circuited attempts' },
    );
    for (const outcome of shortCircuited) {
      expect(outcome).toMatchObject({ error_kind: 'circuit_open', status_code: null, final: false, succeeded: false });
      expect(outcome.next_attempt_at).not.toBeNull();
      expect(outcome.duration_ms).toBeLessThan(HOLE_TIMEOUT_MS);
    }
    expect(healthy.on('/hook')).toHaveLength(200);
    expect(hole.on('/hook')).toHaveLength(sent);

    // Their retries are short-circuited too, until the schedule runs out.
    await waitFor(() => secondHoles.every((job) => harness.deadLettersOf(job).length === 1), { timeoutMs: 20_000, what: 'the black hole jobs to be dead-lettered' });
    expect(hole.on('/hook')).toHaveLength(sent);
  }, 120_000);
});
