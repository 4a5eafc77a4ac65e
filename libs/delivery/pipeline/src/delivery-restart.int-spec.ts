import { DeliveryJob, DeliveryOutcome } from '@hookstream/contracts';
import { freePort, HttpReceiver, ServiceProcess, waitFor } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import { DeliveryHarness } from './__fixtures__/delivery-harness';

/** Every retry started no earlier than the time the attempt before it announced. */
function expectNeverEarly(outcomes: DeliveryOutcome[]): void {
  for (const outcome of outcomes) {
    if (!outcome.next_attempt_at) continue;
    for (const later of outcomes.filter((o) => o.attempt === outcome.attempt + 1)) {
      expect(Date.parse(later.timestamp)).toBeGreaterThanOrEqual(Date.parse(outcome.next_attempt_at));
    }
  }
}

describe('delivery across crashes and rebalances', () => {
  let harness: DeliveryHarness;
  let receiver: HttpReceiver;
  const extra: ServiceProcess[] = [];

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    harness = await DeliveryHarness.start('restart');
  }, 90_000);
  afterAll(async () => {
    await Promise.all(extra.map((s) => s.stop()));
    await receiver?.stop();
    await harness?.stop();
  });

  it('loses no job when delivery is killed mid-flight (SIGKILL) and restarted', async () => {
    // Slow first attempts are in flight, and failed ones wait in the delay
    // tiers (due 10 s after their first attempt), when the process dies.
    const slow = Array.from({ length: 100 }, (_, i) => {
      receiver.script(`/slow/${i}`, { status: 200, delayMs: 300 });
      return deliveryJob({ url: receiver.url(`/slow/${i}`) });
    });
    const retried = Array.from({ length: 40 }, (_, i) => {
      receiver.script(`/retry/${i}`, { status: 500 }, { status: 200 });
      return deliveryJob({ url: receiver.url(`/retry/${i}`), action: { retry_policy: [1_000_000] } });
    });
    await harness.publish(...retried, ...slow);
    await waitFor(() => receiver.requests.filter((r) => r.path.startsWith('/slow/')).length >= 30, { timeoutMs: 30_000, what: 'deliveries to be under way' });
    await harness.delivery.kill();
    const delivered = new Set(receiver.requests.map((r) => r.path));
    expect(delivered.size).toBeLessThan(slow.length + retried.length);

    await harness.delivery.start();
    const all: DeliveryJob[] = [...slow, ...retried];
    await waitFor(() => all.every((job) => harness.outcomesOf(job).some((o) => o.succeeded)), { timeoutMs: 90_000, intervalMs: 200, what: 'every job to succeed after the restart' });
    for (const job of all) expectNeverEarly(harness.outcomesOf(job));
    // At-least-once: a job may have been sent twice, always with the same webhook-id.
    for (const job of all) {
      const ids = new Set(receiver.requests.filter((r) => r.path === new URL(job.action.url).pathname).map((r) => r.headers['webhook-id']));
      expect(ids).toEqual(new Set([job.invocation_id]));
    }
  }, 150_000);

  it('keeps held retries when their partitions move to another instance, and never fires them early', async () => {
    const jobs = Array.from({ length: 60 }, (_, i) => {
      receiver.script(`/moving/${i}`, { status: 503 }, { status: 200 });
      return deliveryJob({ url: receiver.url(`/moving/${i}`), action: { retry_policy: [800_000] } });
    });
    await harness.publish(...jobs);
    await waitFor(() => jobs.every((job) => harness.outcomesOf(job).length >= 1), { timeoutMs: 30_000, what: 'the first attempts' });

    // A second instance joins (partitions are split between the two), then
    // the first leaves (they all move to the second) while the retries wait.
    const second = new ServiceProcess({ name: 'delivery', port: await freePort(), env: harness.platform.env() });
    extra.push(second);
    await second.start();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await harness.delivery.stop();

    await waitFor(() => jobs.every((job) => harness.outcomesOf(job).some((o) => o.succeeded)), { timeoutMs: 90_000, intervalMs: 200, what: 'every retry to succeed on the other instance' });
    for (const job of jobs) {
      const outcomes = harness.outcomesOf(job);
      expectNeverEarly(outcomes);
      expect(outcomes.find((o) => o.succeeded)?.attempt).toBe(2);
    }
  }, 150_000);
});
