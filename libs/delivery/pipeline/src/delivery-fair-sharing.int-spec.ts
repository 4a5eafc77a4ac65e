import type { DeliveryJob } from '@hookstream/contracts';
import { HttpReceiver, waitFor } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import { DeliveryHarness, QUICK_OPENING_BREAKERS } from './__fixtures__/delivery-harness';

const HOLES = 12;
const HOLE_TIMEOUT_MS = 30_000;

// The real delivery service with 4 foreground slots (16 background) and a
// quarter of them per tenant: one tenant holds at most 1 foreground and 4
// background slots, and 4 pending jobs. Counted in requests the receivers
// got, never in time.
describe('delivery fair sharing between tenants', () => {
  let harness: DeliveryHarness;
  let shared: HttpReceiver;
  let holes: HttpReceiver[] = [];

  beforeAll(async () => {
    shared = await new HttpReceiver().start();
    holes = await Promise.all(Array.from({ length: HOLES }, () => new HttpReceiver().start()));
    for (const hole of holes) hole.script('/hook', { blackHole: true });
    harness = await DeliveryHarness.start('fair-sharing', {
      DELIVERY_CONCURRENCY: '4',
      DELIVERY_TENANT_CONCURRENCY_SHARE: '0.25',
      ...QUICK_OPENING_BREAKERS,
    });
  }, 90_000);
  afterAll(async () => {
    await Promise.all([shared?.stop(), ...holes.map((h) => h.stop())]);
    await harness?.stop();
  });

  const job = (tenant: string, url: string, action: Partial<DeliveryJob['action']> = {}) => deliveryJob({ url, event: { tenant_id: tenant }, action: { retry_policy: [600_000], ...action } });
  const delivered = (jobs: DeliveryJob[]) => jobs.every((j) => harness.outcomesOf(j).some((o) => o.succeeded));
  const deferrals = async (reason: string) => {
    const text = await (await fetch(`${harness.platform.opsUrl('delivery')}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith('delivery_deferrals_total{') && l.includes(`reason="${reason}"`));
    return line ? Number(line.split(' ').pop()) : 0;
  };

  it("opens one tenant's breaker for a shared origin, and another tenant's jobs there are still sent", async () => {
    shared.script('/failing', { status: 503 });
    shared.script('/fine', { status: 204 });
    const failing = Array.from({ length: 10 }, () => job('ten_failing', shared.url('/failing')));
    await harness.publish(...failing);
    const firsts = await waitFor(
      () => {
        const outcomes = failing.map((j) => harness.outcomesOf(j).find((o) => o.attempt === 1));
        return outcomes.every(Boolean) ? outcomes.map((o) => o as NonNullable<typeof o>) : undefined;
      },
      { timeoutMs: 30_000, what: "every failing job's first attempt" },
    );
    // Five 503s open ten_failing's breaker; its other first attempts are short-circuited, unsent.
    expect(shared.on('/failing')).toHaveLength(5);
    expect(firsts.filter((o) => o.error_kind === 'http_status')).toHaveLength(5);
    expect(firsts.filter((o) => o.error_kind === 'circuit_open')).toHaveLength(5);

    const fine = Array.from({ length: 10 }, () => job('ten_fine', shared.url('/fine')));
    await harness.publish(...fine);
    await waitFor(() => delivered(fine), { timeoutMs: 30_000, what: "ten_fine's deliveries to the same origin" });
    expect(shared.on('/fine')).toHaveLength(10);
    expect(shared.on('/failing')).toHaveLength(5);
  }, 90_000);

  it('holds a tenant with hanging origins to its share of the slots while other tenants deliver', async () => {
    const noisy = holes.flatMap((hole) => [1, 2].map(() => job('ten_noisy', hole.url('/hook'), { timeout_ms: HOLE_TIMEOUT_MS })));
    await harness.publish(...noisy);
    const hung = () => holes.reduce((sum, hole) => sum + hole.on('/hook').length, 0);
    // Its one foreground slot, handed off to the background four times, then held by a fifth hung attempt.
    await waitFor(() => hung() >= 5, { timeoutMs: 30_000, what: 'the noisy tenant to fill its share' });
    // Jobs past its share of the pending jobs wait in the delay tiers; seen come back at least once.
    await waitFor(async () => (await deferrals('tenant_share')) >= 20, { timeoutMs: 30_000, what: 'its jobs past its share to be deferred' });

    const quiet = ['ten_q1', 'ten_q2', 'ten_q3'].flatMap((tenant) => Array.from({ length: 6 }, () => job(tenant, shared.url('/quiet'))));
    await harness.publish(...quiet);
    await waitFor(() => delivered(quiet), { timeoutMs: 30_000, what: "the other tenants' deliveries" });
    expect(shared.on('/quiet')).toHaveLength(quiet.length);

    // Every request it sent still hangs (none has timed out yet): no more than 1 + 4 at once.
    expect(hung()).toBe(5);
    // Not dropped, not failed: no outcome, no dead letter, for any of its jobs.
    expect(noisy.flatMap((j) => [...harness.outcomesOf(j), ...harness.deadLettersOf(j)])).toEqual([]);
  }, 90_000);
});
