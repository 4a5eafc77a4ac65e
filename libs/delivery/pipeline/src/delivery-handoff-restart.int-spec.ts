import { HttpReceiver, waitFor } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import { DeliveryHarness } from './__fixtures__/delivery-harness';

// An attempt running past its patience is handed off: a safety copy,
// due after the attempt's deadline, waits in a delay tier in case delivery
// dies first. That the attempt settled must outlive a restart, or the copy
// sends it a second time.
describe('handed-off attempts across a delivery restart', () => {
  let harness: DeliveryHarness;
  let receiver: HttpReceiver;
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    harness = await DeliveryHarness.start('handoff-restart', { DELIVERY_ATTEMPT_PATIENCE_MS: '100' });
  }, 90_000);
  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });

  it('sends an attempt that settled before the restart once, not again from its safety copy', async () => {
    receiver.script('/settled', { status: 200, delayMs: 1_000 });
    const job = deliveryJob({ url: receiver.url('/settled'), action: { timeout_ms: 3_000 } });
    await harness.publish(job);
    await harness.finalOutcome(job);
    await harness.delivery.stop();
    await harness.delivery.start();
    // The copy was due 3 s + 2 s after the attempt began; give its tier time to release it.
    await sleep(9_000);
    expect(receiver.on('/settled')).toHaveLength(1);
    expect(harness.outcomesOf(job)).toHaveLength(1);
  }, 60_000);

  it('sends an attempt still running at SIGTERM once: shutdown lets it settle, and the restarted instance knows', async () => {
    receiver.script('/running', { status: 200, delayMs: 2_000 });
    const job = deliveryJob({ url: receiver.url('/running'), action: { timeout_ms: 4_000 } });
    await harness.publish(job);
    await waitFor(() => receiver.on('/running').length > 0 || undefined, { timeoutMs: 20_000, what: 'the attempt under way' });
    await harness.delivery.stop();
    await harness.delivery.start();
    await harness.finalOutcome(job);
    await sleep(10_000);
    expect(receiver.on('/running')).toHaveLength(1);
    expect(harness.outcomesOf(job)).toHaveLength(1);
  }, 60_000);
});
