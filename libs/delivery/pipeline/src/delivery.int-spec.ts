import { createHmac } from 'node:crypto';
import { CloudEventV1, HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { DeliveryDeadLetter, DeliveryOutcome, Topics } from '@hookstream/contracts';
import { HttpReceiver, TopicRecorder, waitFor } from '@hookstream/testing';
import { deliveryJob, signingSecret } from './__fixtures__/delivery-jobs';
import { DeliveryHarness } from './__fixtures__/delivery-harness';

// The delivery service in its own process, fed through its jobs topic, POSTing
// to real receivers in this process. RETRY_TIME_SCALE=0.01: checkout's 5 and
// 10 minute retries come after 3 s and 6 s.
const SCALE = 0.01;
const hmacHex = (key: string, body: string) => createHmac('sha256', key).update(body).digest('hex');

describe('delivery service', () => {
  let harness: DeliveryHarness;
  const receivers: HttpReceiver[] = [];
  // A receiver (hence an origin, hence a circuit breaker) per test.
  const receiver = async () => {
    const r = await new HttpReceiver().start();
    receivers.push(r);
    return r;
  };

  beforeAll(async () => {
    harness = await DeliveryHarness.start('delivery', { RETRY_TIME_SCALE: String(SCALE) });
  }, 90_000);
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
    await harness?.stop();
  });

  it('signs a checkout delivery so that Standard Webhooks and a plain HMAC verify it', async () => {
    const r = await receiver();
    const secrets = [signingSecret(), signingSecret()];
    const job = deliveryJob({
      url: r.url('/checkout'),
      action: {
        // A rotation in its grace period: both secrets sign.
        signing_secrets: secrets,
        previous_secrets_expire_at: new Date(Date.now() + 3_600_000).toISOString(),
        signature: { method: 'HMACSHA256', key: 'cko-key-123' },
        headers: { Authorization: 'Bearer abcdef123' },
      },
    });
    await harness.publish(job);
    const [outcome] = await harness.finalOutcome(job);
    const [request] = r.on('/checkout');
    expect(request.headers['cko-signature']).toBe(hmacHex('cko-key-123', request.rawBody));
    for (const secret of secrets) expect(new Webhook(secret).verify(request.rawBody, request.headers)).toMatchObject({ id: job.event.id });
    expect(request.headers['webhook-id']).toBe(job.invocation_id);
    expect(request.headers.authorization).toBe('Bearer abcdef123');
    expect(JSON.parse(request.rawBody)).toMatchObject({ id: job.event.id, type: 'payment_approved', created_on: job.event.timestamp, data: job.event.data });
    expect(outcome).toMatchObject({ attempt: 1, retry: false, succeeded: true, final: true, status_code: 200, url: r.url('/checkout') });
    // Secrets never reach the outcome whole.
    expect(outcome.request_headers.authorization).toMatch(/^Bear\*+$/);
    expect(outcome.request_headers['webhook-id']).toBe(job.invocation_id);
  }, 30_000);

  it('delivers CloudEvents (structured and binary) and CAF bodies the cloudevents package parses', async () => {
    const r = await receiver();
    const structured = deliveryJob({ url: r.url('/structured'), action: { format: 'cloudevents', signature: { method: 'HMACSHA256', key: 'caf-key' } } });
    const binary = deliveryJob({ url: r.url('/binary'), action: { format: 'cloudevents', cloudevents_mode: 'binary' } });
    const caf = deliveryJob({
      url: r.url('/caf'),
      action: { format: 'caf', signature: { method: 'HMACSHA256', key: 'caf-key' }, retry_policy: 'caf' },
      event: { type: 'TransactionFinished', source: 'https://api.public.caf.io/v1/orchestrations', data: { transactionId: '6021a21b3811c35ecb8dea20', workflowId: '7011a21b3811c35ecb8dea21', status: 'APPROVED' } },
    });
    await harness.publish(structured, binary, caf);
    await Promise.all([structured, binary, caf].map((j) => harness.finalOutcome(j)));

    const [s] = r.on('/structured');
    const sEvent = HTTP.toEvent({ headers: s.headers, body: s.rawBody }) as CloudEventV1<unknown>;
    expect(sEvent).toMatchObject({ id: structured.event.id, type: 'payment_approved', source: 'gateway', specversion: '1.0' });
    expect(sEvent.data).toEqual(structured.event.data);
    expect(s.headers['x-caf-signature']).toBe(hmacHex('caf-key', s.rawBody));

    const [b] = r.on('/binary');
    const bEvent = HTTP.toEvent({ headers: b.headers, body: b.rawBody }) as CloudEventV1<unknown>;
    expect(bEvent).toMatchObject({ id: binary.event.id, type: 'payment_approved' });
    expect(bEvent.data).toEqual(binary.event.data);

    const [c] = r.on('/caf');
    const cEvent = HTTP.toEvent({ headers: c.headers, body: c.rawBody }) as CloudEventV1<Record<string, string>>;
    expect(cEvent.type).toBe('TransactionFinished');
    expect(Object.keys(JSON.parse(c.rawBody))).toEqual(['id', 'time', 'type', 'source', 'specversion', 'data']);
    expect(cEvent.data).toMatchObject({ transactionId: '6021a21b3811c35ecb8dea20', workflowId: '7011a21b3811c35ecb8dea21', status: 'APPROVED' });
    expect(Math.abs(Date.parse(cEvent.data?.date ?? '') - c.receivedAt)).toBeLessThan(5_000);
    expect(c.headers['x-caf-signature']).toBe(hmacHex('caf-key', c.rawBody));
    expect(new Webhook(caf.action.signing_secrets[0]).verify(c.rawBody, c.headers)).toBeTruthy();
  }, 30_000);

  it('delivers a MyCashflow message with its subscription uuid and expands applied', async () => {
    const r = await receiver();
    const subscription = { uuid: '083c584d-ae65-11ec-aef4-0242ac130002', topic: 'order.created', expands: ['payments'] };
    const job = deliveryJob({
      url: r.url('/mcf'),
      action: { format: 'mycashflow', retry_policy: 'mycashflow' },
      subscription,
      event: { type: 'order.created', source: 'orders', data: { id: 42, payments: [{ id: 1, total: 9.5 }], shipments: [{ id: 7, method: 'posti' }] } },
    });
    await harness.publish(job);
    await harness.finalOutcome(job);
    const [request] = r.on('/mcf');
    expect(request.headers['x-mycashflow-subscription']).toBe(subscription.uuid);
    expect(JSON.parse(request.rawBody)).toMatchObject({ topic: 'order.created', uuid: subscription.uuid, data: { id: 42, payments: [{ id: 1, total: 9.5 }], shipments: [7] } });
    expect(new Webhook(job.action.signing_secrets[0]).verify(request.rawBody, request.headers)).toBeTruthy();
  }, 30_000);

  it('retries a receiver that fails twice at the scaled schedule, never early, and stops at its success', async () => {
    const r = await receiver();
    r.script('/flaky', { status: 500 }, { status: 503 }, { status: 200 });
    const job = deliveryJob({ url: r.url('/flaky') });
    await harness.publish(job);
    const outcomes = await harness.finalOutcome(job, 40_000);
    // Nothing more comes after the success.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const requests = r.on('/flaky');
    expect(requests).toHaveLength(3);
    expect(harness.outcomesOf(job)).toHaveLength(3);
    expect(outcomes.map((o) => [o.attempt, o.retry, o.succeeded, o.final, o.status_code])).toEqual([
      [1, false, false, false, 500],
      [2, true, false, false, 503],
      [3, true, true, true, 200],
    ]);
    expect(new Set(requests.map((q) => q.headers['webhook-id']))).toEqual(new Set([job.invocation_id]));
    // checkout: 5 min then 10 min, scaled by 0.01: 3 s then 6 s.
    const gaps = [requests[1].receivedAt - requests[0].receivedAt, requests[2].receivedAt - requests[1].receivedAt];
    expect(gaps[0]).toBeGreaterThanOrEqual(3_000);
    expect(gaps[0]).toBeLessThan(3_000 + 2_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(6_000);
    expect(gaps[1]).toBeLessThan(6_000 + 2_000);
    // Each retry came no earlier than the time its previous outcome announced.
    for (let i = 1; i < 3; i++) expect(requests[i].receivedAt).toBeGreaterThanOrEqual(Date.parse(outcomes[i - 1].next_attempt_at as string));
    expect(outcomes[2].next_attempt_at).toBeNull();
  }, 60_000);

  it('sends a job that exhausts its schedule to the dead-letter topic, its last outcome final', async () => {
    const r = await receiver();
    r.script('/down', { status: 500, body: 'still down' });
    const job = deliveryJob({ url: r.url('/down'), action: { retry_policy: [100, 200, 300] } });
    await harness.publish(job);
    const outcomes = await harness.finalOutcome(job);
    const [deadLetter] = await waitFor(() => (harness.deadLettersOf(job).length ? harness.deadLettersOf(job) : undefined), { timeoutMs: 10_000, what: 'the dead letter' });
    expect(r.on('/down')).toHaveLength(4);
    expect(outcomes.map((o) => [o.attempt, o.final])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(outcomes[3]).toMatchObject({ succeeded: false, status_code: 500, response_body: 'still down', next_attempt_at: null });
    expect((deadLetter as DeliveryDeadLetter).reason).toMatch(/exhausted after 4 attempts/);
    expect(deadLetter.job.invocation_id).toBe(job.invocation_id);
  }, 30_000);

  it('disables the endpoint on 410 Gone: a final outcome, no retry, an endpoint-disabled notice', async () => {
    const r = await receiver();
    r.script('/gone', { status: 410 });
    const job = deliveryJob({ url: r.url('/gone'), action: { retry_policy: [10, 10] } });
    await harness.publish(job);
    const outcomes = await harness.finalOutcome(job);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ final: true, succeeded: false, status_code: 410, error_kind: 'endpoint_disabled' });
    const notice = await waitFor(() => harness.disabledNotices().find((n) => n.action_id === job.action.id), { timeoutMs: 10_000, what: 'the disabled notice' });
    expect(notice).toMatchObject({ workflow_id: job.workflow_id, tenant_id: job.tenant_id, url: r.url('/gone') });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.on('/gone')).toHaveLength(1);
  }, 30_000);

  it('honours Retry-After on 429/503, clamped to the schedule', async () => {
    const r = await receiver();
    // 400 s asked; standard-webhooks' first retry would be 5 s. Scaled: 4 s instead of 50 ms.
    r.script('/slow-down', { status: 429, headers: { 'retry-after': '400' } }, { status: 200 });
    const job = deliveryJob({ url: r.url('/slow-down'), action: { retry_policy: 'standard-webhooks' } });
    await harness.publish(job);
    const outcomes = await harness.finalOutcome(job, 30_000);
    const [first, second] = r.on('/slow-down');
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(400_000 * SCALE);
    expect(Date.parse(outcomes[0].next_attempt_at as string) - Date.parse(outcomes[0].timestamp)).toBeGreaterThanOrEqual(400_000 * SCALE);
    expect(outcomes.map((o) => o.status_code)).toEqual([429, 200]);
  }, 40_000);

  it('does not follow redirects: a 3xx is a failed attempt', async () => {
    const r = await receiver();
    r.script('/moved', { status: 301, headers: { location: r.url('/target') } });
    const job = deliveryJob({ url: r.url('/moved'), action: { retry_policy: [] } });
    await harness.publish(job);
    const [outcome] = await harness.finalOutcome(job);
    expect(outcome).toMatchObject({ succeeded: false, final: true, status_code: 301, error_kind: 'redirect' });
    expect(r.on('/target')).toHaveLength(0);
  }, 30_000);

  it('holds a job scheduled for later and delivers it no earlier than due', async () => {
    const r = await receiver();
    const dueAt = new Date(Date.now() + 3_000);
    const job = deliveryJob({ url: r.url('/later'), dueAt });
    await harness.publish(job);
    await harness.finalOutcome(job);
    expect(r.on('/later')[0].receivedAt).toBeGreaterThanOrEqual(dueAt.getTime());
  }, 30_000);

  it('refuses a non-http URL for good, without retrying', async () => {
    const job = deliveryJob({ url: 'ftp://files.example.com/hook', action: { retry_policy: [10] } });
    await harness.publish(job);
    const outcomes: DeliveryOutcome[] = await harness.finalOutcome(job);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ final: true, error_kind: 'invalid_url' });
  }, 30_000);

  it('sends a job that fails its contract to the rejected topic and goes on with the next', async () => {
    const rejected = await new TopicRecorder(harness.platform.prefix, Topics.deliveryRejected).start();
    try {
      const r = await receiver();
      const job = deliveryJob({ url: r.url('/after-garbage') });
      await harness.publishRaw(job.action.id, '{"invocation_id":"nope"}');
      await harness.publish(job);
      await harness.finalOutcome(job);
      const [letter] = await waitFor(() => (rejected.messages.length ? rejected.messages : undefined), { timeoutMs: 10_000, what: 'the rejected job' });
      expect(String(letter.value)).toBe('{"invocation_id":"nope"}');
      expect(letter.headers['dead-letter-reason']).toMatch(/invocation_id/);
    } finally {
      await rejected.stop();
    }
  }, 30_000);
});
