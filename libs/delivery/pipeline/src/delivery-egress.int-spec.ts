import { HttpReceiver } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import { DeliveryHarness } from './__fixtures__/delivery-harness';

// No allowlist at all: loopback is as forbidden as any internal address. The
// receiver listens on 127.0.0.1, so a request that got through would show;
// the non-loopback targets are refused before any connection is attempted.
describe('delivery egress guard (SSRF)', () => {
  let harness: DeliveryHarness;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    harness = await DeliveryHarness.start('egress', { DELIVERY_ALLOWED_HOSTS: '' });
  }, 90_000);
  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });

  it('refuses every internal target for good, logs the reason, and never reaches the receiver', async () => {
    const port = receiver.port;
    const targets: [string, string][] = [
      [`http://127.0.0.1:${port}/hook`, 'loopback'],
      [`http://localhost:${port}/hook`, 'localhost resolves to'],
      [`http://[::ffff:127.0.0.1]:${port}/hook`, 'embeds 127.0.0.1'],
      [`http://[::1]:${port}/hook`, 'loopback'],
      [`http://0.0.0.0:${port}/hook`, 'unspecified'],
      ['http://10.0.0.1/hook', 'private'],
      ['http://192.168.1.1/hook', 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://100.64.0.1/hook', 'carrier-grade NAT'],
      ['http://[fd00::1]/hook', 'unique local'],
      ['http://[::ffff:169.254.169.254]/hook', 'link-local'],
    ];
    const jobs = targets.map(([url]) => deliveryJob({ url, action: { retry_policy: [10, 10] } }));
    await harness.publish(...jobs);
    for (const [index, job] of jobs.entries()) {
      const outcomes = await harness.finalOutcome(job);
      expect(outcomes).toHaveLength(1);
      // The tenant is told no more than that; the reason is the operator's, in the service log.
      expect(outcomes[0]).toMatchObject({ attempt: 1, final: true, succeeded: false, error_kind: 'ssrf_blocked', error_message: 'destination not allowed', status_code: null });
      const logged = harness.delivery.logs.split('\n').find((line) => line.includes(job.invocation_id)) ?? '{}';
      expect((JSON.parse(logged) as { detail?: string }).detail).toContain(targets[index][1]);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const job of jobs) {
      expect(harness.outcomesOf(job)).toHaveLength(1);
      expect(harness.deadLettersOf(job)).toHaveLength(1);
    }
    expect(receiver.requests).toHaveLength(0);
  }, 60_000);
});
