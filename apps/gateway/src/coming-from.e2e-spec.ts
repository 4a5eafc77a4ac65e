import { createHmac } from 'node:crypto';
import { HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { HttpReceiver, TestPlatform, waitFor } from '@hookstream/testing';

/**
 * Users coming from MyCashflow and CAF point their existing receivers at us:
 * the seed pages' own examples go in, and what arrives verifies and parses
 * as those services document it.
 */
describe('coming from MyCashflow and CAF', () => {
  const receiver = new HttpReceiver();
  const platform = new TestPlatform({ label: 'from', env: { RETRY_TIME_SCALE: '0.001' } });

  /**
   * Publishes until the matcher has loaded the new workflow and one delivery
   * arrives on `path`; each try is a new event (a repeated producer id would
   * rightly be deduplicated).
   */
  async function publishUntilDelivered(path: string, body: (attempt: number) => unknown): Promise<void> {
    let attempt = 0;
    await waitFor(
      async () => {
        const before = receiver.on(path).length;
        const res = await platform.api('POST', '/events', body(attempt++));
        expect(res.status).toBe(202);
        return waitFor(() => receiver.on(path).length > before, { timeoutMs: 3000 }).catch(() => false);
      },
      { timeoutMs: 30_000, what: `a delivery on ${path}` },
    );
  }

  /** A second tenant's API key, made through the admin API. */
  async function newTenantKey(): Promise<string> {
    const res = await platform.admin('POST', '/admin/tenants', { name: 'another shop' });
    expect(res.status).toBe(201);
    return res.body.api_key;
  }

  beforeAll(async () => {
    await receiver.start();
    await platform.start();
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
    await receiver.stop();
  }, 60_000);

  it('MyCashflow: the seed subscribe request, then messages with the uuid, expands, and a verifiable signature', async () => {
    // The seed page's own request, with our receiver as the URL.
    const created = await platform.api('POST', '/api/v1/webhooks', { topic: 'order.created', expands: ['payments', 'shipments'], url: receiver.url('/mycashflow') });
    expect(created.status).toBe(201);
    const { uuid, secret } = created.body.data;
    expect(created.body.data).toMatchObject({ topic: 'order.created', expands: ['payments', 'shipments'], url: receiver.url('/mycashflow') });
    expect(uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(secret).toMatch(/^whsec_/);

    await publishUntilDelivered('/mycashflow', () => ({
      source: 'orders',
      type: 'order.created',
      subject_id: 'ord_1001',
      data: { id: 1001, total: 59.9, payments: [{ id: 11, amount: 59.9 }], shipments: [{ id: 7, method: 'posti' }], products: [{ id: 3, name: 'Mug' }] },
    }));
    const message = receiver.on('/mycashflow').at(-1)!;
    const body = JSON.parse(message.rawBody);
    expect(body).toMatchObject({ topic: 'order.created', uuid });
    // Expanded relations whole; others reduced to their ids.
    expect(body.data).toMatchObject({ id: 1001, payments: [{ id: 11, amount: 59.9 }], shipments: [{ id: 7, method: 'posti' }], products: [3] });
    expect(message.headers['x-mycashflow-subscription']).toBe(uuid);
    expect(() => new Webhook(secret).verify(message.rawBody, message.headers)).not.toThrow();
    expect(() => new Webhook('whsec_' + Buffer.from('another secret of 24 bytes').toString('base64')).verify(message.rawBody, message.headers)).toThrow();

    const fetched = await platform.api('GET', `/api/v1/webhooks/${uuid}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.data.secret).toBeUndefined();
    expect((await platform.api('GET', '/api/v1/webhooks')).body.data.map((s: { uuid: string }) => s.uuid)).toContain(uuid);
    expect((await platform.api('DELETE', `/api/v1/webhooks/${uuid}`)).status).toBe(204);
    expect((await platform.api('GET', `/api/v1/webhooks/${uuid}`)).status).toBe(404);
  }, 90_000);

  it('MyCashflow: user_id is a number, the same in every answer, another for another tenant', async () => {
    const subscribe = { topic: 'order.created', expands: [], url: receiver.url('/mycashflow-user') };
    const created = await platform.api('POST', '/api/v1/webhooks', subscribe);
    expect(created.status).toBe(201);
    const userId = created.body.data.user_id;
    expect(typeof userId).toBe('number');
    expect(Number.isSafeInteger(userId)).toBe(true);
    const fetched = await platform.api('GET', `/api/v1/webhooks/${created.body.data.uuid}`);
    expect(fetched.body.data.user_id).toBe(userId);
    const listed = await platform.api('GET', '/api/v1/webhooks');
    expect(listed.body.data.length).toBeGreaterThan(0);
    for (const s of listed.body.data) expect(s.user_id).toBe(userId);

    const other = await newTenantKey();
    const theirs = await platform.api('POST', '/api/v1/webhooks', subscribe, { authorization: `Bearer ${other}` });
    expect(theirs.status).toBe(201);
    expect(typeof theirs.body.data.user_id).toBe('number');
    expect(theirs.body.data.user_id).not.toBe(userId);
    expect((await platform.api('GET', '/api/v1/webhooks', undefined, { authorization: `Bearer ${other}` })).body.data.map((s: { user_id: number }) => s.user_id)).toEqual([
      theirs.body.data.user_id,
    ]);
  }, 60_000);

  it('MyCashflow subscriptions and Checkout workflows stay apart, each in its own API', async () => {
    const url = receiver.url('/mycashflow-apart');
    const created = await platform.api('POST', '/api/v1/webhooks', { topic: 'order.created', expands: [], url });
    expect(created.status).toBe(201);
    const { uuid } = created.body.data;
    // The subscription's workflow id, as the events API names it for a delivery it made.
    await publishUntilDelivered('/mycashflow-apart', (n) => ({ source: 'orders', type: 'order.created', subject_id: `ord_apart_${n}`, data: { id: n } }));
    const eventId = JSON.parse(receiver.on('/mycashflow-apart').at(-1)!.rawBody).event_id;
    let subscriptionWorkflowId = '';
    await waitFor(
      async () => {
        const event = await platform.api('GET', `/workflows/events/${eventId}`);
        subscriptionWorkflowId = event.body?.action_invocations?.[0]?.workflow_id ?? '';
        return subscriptionWorkflowId !== '';
      },
      { timeoutMs: 20_000, what: 'the subscription delivery in the events API' },
    );

    const listed = await platform.api('GET', '/workflows');
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((w: { id: string }) => w.id)).not.toContain(subscriptionWorkflowId);
    expect(listed.body.data.map((w: { name: string }) => w.name)).not.toContain('Subscription order.created');
    expect((await platform.api('GET', `/workflows/${subscriptionWorkflowId}`)).status).toBe(404);
    expect((await platform.api('PATCH', `/workflows/${subscriptionWorkflowId}`, { name: 'renamed' })).status).toBe(404);
    expect((await platform.api('POST', `/workflows/${subscriptionWorkflowId}/actions`, { type: 'webhook', url })).status).toBe(404);
    expect((await platform.api('POST', `/workflows/${subscriptionWorkflowId}/test`, { event_types: ['order.created'] })).status).toBe(404);
    expect((await platform.api('DELETE', `/workflows/${subscriptionWorkflowId}`)).status).toBe(404);
    expect((await platform.api('GET', `/api/v1/webhooks/${uuid}`)).body.data).toMatchObject({ uuid, url });

    const workflow = await platform.api('POST', '/workflows', {
      name: 'Checkout orders',
      conditions: [{ type: 'event', events: { orders: ['order.created'] } }],
      actions: [{ type: 'webhook', url: receiver.url('/checkout-apart') }],
    });
    expect(workflow.status).toBe(201);
    const subscriptions = (await platform.api('GET', '/api/v1/webhooks')).body.data;
    expect(subscriptions.map((s: { url: string }) => s.url)).not.toContain(receiver.url('/checkout-apart'));
    expect((await platform.api('GET', `/api/v1/webhooks/${workflow.body.id}`)).status).toBe(404);
    expect((await platform.api('DELETE', `/api/v1/webhooks/${workflow.body.id}`)).status).toBe(404);
    expect((await platform.api('GET', `/workflows/${workflow.body.id}`)).status).toBe(200);
  }, 90_000);

  it("CAF: the example webhook post goes in; CAF's CloudEvent comes out, signed, at the per-transaction URL when set", async () => {
    const created = await platform.api('POST', '/workflows', {
      name: 'CAF transactions',
      conditions: [{ type: 'event', events: { transactions: ['TransactionFinished', 'TransactionPending'] } }],
      actions: [{ type: 'webhook', url: receiver.url('/caf-configured'), signature: { method: 'HMACSHA256', key: 'caf-shared-secret' }, format: 'caf', retry_policy: 'caf' }],
    });
    expect(created.status).toBe(201);

    // The seed page's example webhook post, as a producer's CloudEvent.
    const example = {
      id: '08934216-a945-43b1-a3f3-bd39869fd9fc',
      time: '2023-08-01T13:10:25.791Z',
      type: 'TransactionFinished',
      source: 'https://api.public.caf.io/v1/orchestrations',
      specversion: '1.0',
      data: { transactionId: '6021a21b3811c35ecb8dea20', workflowId: '7011a21b3811c35ecb8dea21', status: 'APPROVED', date: '2023-08-01T13:10:25.791Z' },
    };
    const sentAfter = Date.now();
    await publishUntilDelivered('/caf-configured', (n) => (n === 0 ? example : { ...example, id: `${example.id}-${n}` }));
    const delivered = receiver.on('/caf-configured').at(-1)!;
    const event = HTTP.toEvent({ headers: delivered.headers, body: delivered.rawBody });
    const ce = Array.isArray(event) ? event[0] : event;
    expect(ce).toMatchObject({ specversion: '1.0', type: 'TransactionFinished', source: 'https://api.public.caf.io/v1/orchestrations' });
    expect(ce.data).toMatchObject({ transactionId: '6021a21b3811c35ecb8dea20', workflowId: '7011a21b3811c35ecb8dea21', status: 'APPROVED' });
    // data.date is the time of sending, so receivers can order late deliveries.
    expect(Date.parse((ce.data as { date: string }).date)).toBeGreaterThanOrEqual(sentAfter - 1000);
    expect(delivered.headers['x-caf-signature']).toBe(createHmac('sha256', 'caf-shared-secret').update(delivered.rawBody).digest('hex'));

    // metadata.webhookUrl on the transaction wins over the workflow's URL.
    const before = receiver.on('/caf-configured').length;
    await publishUntilDelivered('/caf-override', (n) => ({
      ...example,
      id: `18934216-a945-43b1-a3f3-bd39869fd9fc-${n}`,
      type: 'TransactionPending',
      data: { ...example.data, status: 'PENDING', metadata: { webhookUrl: receiver.url('/caf-override') } },
    }));
    const overridden = HTTP.toEvent({ headers: receiver.on('/caf-override')[0].headers, body: receiver.on('/caf-override')[0].rawBody });
    expect((Array.isArray(overridden) ? overridden[0] : overridden).type).toBe('TransactionPending');
    expect(receiver.on('/caf-configured').length).toBe(before);
  }, 90_000);
});
