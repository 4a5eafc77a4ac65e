import { HttpReceiver, waitFor } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import { DeliveryHarness } from './__fixtures__/delivery-harness';

const TRUSTED = 'ten_trusted';
const OTHER = 'ten_other';
const HEADER_SECRET = 'receiver-credential-3f9a';

// The real delivery service: loopback is allowed to one tenant only, and
// producers' URL overrides reach only CAF actions, without their headers.
describe('delivery destinations', () => {
  let harness: DeliveryHarness;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    harness = await DeliveryHarness.start('destinations', { DELIVERY_ALLOWED_HOSTS: '', DELIVERY_ALLOWED_HOSTS_BY_TENANT: `${TRUSTED}=localhost,127.0.0.1` });
  }, 90_000);
  afterAll(async () => {
    await receiver?.stop();
    await harness?.stop();
  });

  const job = (tenant: string, path: string, extra: Omit<Parameters<typeof deliveryJob>[0], 'url'> = {}) =>
    deliveryJob({ ...extra, url: receiver.url(path), event: { tenant_id: tenant, ...extra.event }, action: { retry_policy: [10, 10], ...extra.action } });

  it("allows a tenant's own allowlist to that tenant only, and tells the other tenant no more than 'destination not allowed'", async () => {
    receiver.script('/trusted', { status: 204 });
    receiver.script('/other', { status: 204 });
    const trusted = deliveryJob({ url: `http://localhost:${receiver.port}/trusted`, event: { tenant_id: TRUSTED } });
    const other = job(OTHER, '/other');
    await harness.publish(trusted, other);

    expect(await harness.finalOutcome(trusted)).toEqual([expect.objectContaining({ succeeded: true, status_code: 204 })]);
    const [refused] = await harness.finalOutcome(other);
    expect(refused).toMatchObject({ succeeded: false, final: true, error_kind: 'ssrf_blocked', error_message: 'destination not allowed', response_body: null, status_code: null });
    expect(JSON.stringify(refused)).not.toContain('loopback');
    expect(receiver.on('/other')).toHaveLength(0);
    // The operator learns why, in the service log.
    await waitFor(() => harness.delivery.logs.includes(other.invocation_id) || undefined, { what: 'the refusal in the service log' });
    const line = harness.delivery.logs.split('\n').find((l) => l.includes(other.invocation_id)) ?? '';
    expect(JSON.parse(line)).toMatchObject({ tenantId: OTHER, failure: 'ssrf_blocked', detail: expect.stringContaining('loopback') });
  }, 60_000);

  it("sends a CAF action to the event's webhookUrl without the action's headers, and every other action to its own URL with them", async () => {
    for (const path of ['/caf-configured', '/caf-override', '/checkout-configured', '/checkout-override']) receiver.script(path, { status: 200 });
    const headers = { Authorization: `Bearer ${HEADER_SECRET}` };
    const caf = job(TRUSTED, '/caf-configured', { action: { format: 'caf', headers }, event: { tenant_id: TRUSTED, metadata: { webhook_url: receiver.url('/caf-override') } } });
    const checkout = job(TRUSTED, '/checkout-configured', { action: { headers }, event: { tenant_id: TRUSTED, metadata: { webhook_url: receiver.url('/checkout-override') } } });
    await harness.publish(caf, checkout);

    expect(await harness.finalOutcome(caf)).toEqual([expect.objectContaining({ succeeded: true, url: receiver.url('/caf-override'), request_headers: expect.not.objectContaining({ authorization: expect.anything() }) })]);
    expect(await harness.finalOutcome(checkout)).toEqual([expect.objectContaining({ succeeded: true, url: receiver.url('/checkout-configured') })]);

    const [toOverride] = receiver.on('/caf-override');
    expect(toOverride.headers.authorization).toBeUndefined();
    expect(toOverride.headers['webhook-id']).toBe(caf.invocation_id);
    expect(receiver.on('/checkout-configured')[0].headers.authorization).toBe(`Bearer ${HEADER_SECRET}`);
    expect(receiver.on('/caf-configured')).toHaveLength(0);
    expect(receiver.on('/checkout-override')).toHaveLength(0);
    expect(harness.delivery.logs).not.toContain(HEADER_SECRET);
  }, 60_000);
});
