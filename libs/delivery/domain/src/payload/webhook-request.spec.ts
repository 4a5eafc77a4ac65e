import { createHmac } from 'node:crypto';
import { CloudEventV1, HTTP } from 'cloudevents';
import { Webhook } from 'standardwebhooks';
import { deliveryJob, SECRET_A, SECRET_B } from '../__fixtures__/delivery-job';
import { applyExpands } from './mycashflow.payload';
import { percentEncodeHeaderValue } from './cloudevents.payload';
import { buildWebhookRequest } from './webhook-request';

const sentAt = new Date();
const context = { sentAt, publicBaseUrl: 'https://api.hookstream.test/' };
const hmacHex = (key: string, body: string) => createHmac('sha256', key).update(body).digest('hex');

function verifyStandardWebhooks(secret: string, request: { body: string; headers: Record<string, string> }): unknown {
  return new Webhook(secret).verify(request.body, request.headers);
}

describe('Standard Webhooks headers', () => {
  it('verify with the standardwebhooks package, webhook-id being the invocation id', () => {
    const job = deliveryJob();
    const request = buildWebhookRequest(job, context);
    expect(request.headers['webhook-id']).toBe(job.invocation_id);
    expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(sentAt.getTime() / 1000)));
    expect(request.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]+$/);
    expect(verifyStandardWebhooks(SECRET_A, request)).toEqual(JSON.parse(request.body));
  });

  it('are signed by every secret during a rotation, and by the newest only once its grace period ends', () => {
    const graceEnds = new Date(sentAt.getTime() + 1_000).toISOString();
    const rotating = deliveryJob({ action: { signing_secrets: [SECRET_B, SECRET_A], previous_secrets_expire_at: graceEnds } });
    const request = buildWebhookRequest(rotating, context);
    expect(request.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => verifyStandardWebhooks(SECRET_A, request)).not.toThrow();
    expect(() => verifyStandardWebhooks(SECRET_B, request)).not.toThrow();
    const after = buildWebhookRequest(rotating, { ...context, sentAt: new Date(graceEnds) });
    expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => verifyStandardWebhooks(SECRET_B, after)).not.toThrow();
    expect(() => verifyStandardWebhooks(SECRET_A, after)).toThrow();
  });

  it('fail verification with another secret or a changed body', () => {
    const request = buildWebhookRequest(deliveryJob(), context);
    expect(() => verifyStandardWebhooks(SECRET_B, request)).toThrow();
    expect(() => verifyStandardWebhooks(SECRET_A, { ...request, body: request.body.replace('1000', '1001') })).toThrow();
  });

  it('carry the same webhook-id on every attempt of one invocation', () => {
    const job = deliveryJob();
    const first = buildWebhookRequest(job, context);
    const retry = buildWebhookRequest({ ...job, attempt: 4 }, { ...context, sentAt: new Date(sentAt.getTime() + 60_000) });
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(() => verifyStandardWebhooks(SECRET_A, retry)).not.toThrow();
  });
});

describe('checkout format', () => {
  it('is the event as Checkout.com sends it, with Cko-Signature over the raw body', () => {
    const job = deliveryJob({ action: { signature: { method: 'HMACSHA256', key: 'cko-secret-key' } } });
    const request = buildWebhookRequest(job, context);
    const body = JSON.parse(request.body);
    expect(Object.keys(body)).toEqual(['id', 'type', 'source', 'created_on', 'version', 'data', '_links']);
    expect(body).toEqual({
      id: job.event.id,
      type: 'payment_approved',
      source: 'gateway',
      created_on: '2024-05-01T10:00:00.000Z',
      version: '1.0.0',
      data: job.event.data,
      _links: {
        self: { href: `https://api.hookstream.test/workflows/events/${job.event.id}` },
        subject: { href: 'https://api.hookstream.test/workflows/events/subject/pay_wlu3wxc26jounofs5iez75qaqa' },
      },
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['cko-signature']).toBe(hmacHex('cko-secret-key', request.body));
  });

  it('has no Cko-Signature without a signature key', () => {
    expect(buildWebhookRequest(deliveryJob(), context).headers['cko-signature']).toBeUndefined();
  });

  it('sends the action headers verbatim and masks them, but never lets them replace the platform’s', () => {
    const job = deliveryJob({
      // All but the first two are refused on save (the contract's isReservedHeader); any stored before that is left out on send.
      action: { headers: { Authorization: 'Bearer s3cr3t', 'X-Tenant': 'acme', 'Webhook-Id': 'forged', 'Content-Type': 'text/plain', 'ce-id': 'x', 'X-Hookstream-Tenant': 'ten_other', Expect: '100-continue' } },
    });
    const request = buildWebhookRequest(job, context);
    expect(request.headers.authorization).toBe('Bearer s3cr3t');
    expect(request.headers['x-tenant']).toBe('acme');
    expect(request.headers['webhook-id']).toBe(job.invocation_id);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['ce-id']).toBeUndefined();
    expect(request.headers['x-hookstream-tenant']).toBeUndefined();
    expect(request.headers.expect).toBeUndefined();
    expect(request.secretHeaders.sort()).toEqual(['authorization', 'x-tenant']);
  });
});

describe('cloudevents format', () => {
  it('structured mode parses with the cloudevents package and carries X-Caf-Signature', () => {
    const job = deliveryJob({ action: { format: 'cloudevents', signature: { method: 'HMACSHA256', key: 'caf-key' } } });
    const request = buildWebhookRequest(job, context);
    expect(request.headers['content-type']).toMatch(/^application\/cloudevents\+json/);
    const event = HTTP.toEvent({ headers: request.headers, body: request.body }) as CloudEventV1<unknown>;
    expect(event.specversion).toBe('1.0');
    expect(event.id).toBe(job.event.id);
    expect(event.type).toBe('payment_approved');
    expect(event.source).toBe('gateway');
    expect(event.subject).toBe(job.event.subject_id);
    expect(new Date(event.time as string).toISOString()).toBe(job.event.timestamp);
    expect(event.data).toEqual(job.event.data);
    expect(request.headers['x-caf-signature']).toBe(hmacHex('caf-key', request.body));
    expect(() => verifyStandardWebhooks(SECRET_A, request)).not.toThrow();
  });

  it('binary mode sends data as the body and attributes as ce-* headers', () => {
    const job = deliveryJob({
      action: { format: 'cloudevents', cloudevents_mode: 'binary' },
      event: { subject_id: 'order 42 "ä%"' },
    });
    const request = buildWebhookRequest(job, context);
    expect(JSON.parse(request.body)).toEqual(job.event.data);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['ce-specversion']).toBe('1.0');
    expect(request.headers['ce-subject']).toBe('order%2042%20%22%C3%A4%25%22');
    const event = HTTP.toEvent({ headers: request.headers, body: request.body }) as CloudEventV1<unknown>;
    expect(event.id).toBe(job.event.id);
    expect(event.type).toBe('payment_approved');
    // The SDK leaves the binding's percent-encoding in place; it decodes losslessly.
    expect(decodeURIComponent(event.subject as string)).toBe('order 42 "ä%"');
    expect(event.data).toEqual(job.event.data);
    expect(request.headers['x-caf-signature']).toBeUndefined();
  });

  it.each(['structured', 'binary'] as const)('%s mode sends the event’s source URI as `source`, else the catalog source', (cloudevents_mode) => {
    const uri = 'https://api.public.caf.io/v1/orchestrations';
    const withUri = deliveryJob({ action: { format: 'cloudevents', cloudevents_mode }, event: { source: 'transactions', metadata: { cloudevents_source: uri } } });
    const request = buildWebhookRequest(withUri, context);
    expect((HTTP.toEvent({ headers: request.headers, body: request.body }) as CloudEventV1<unknown>).source).toBe(uri);
    const withoutUri = buildWebhookRequest(deliveryJob({ action: { format: 'cloudevents', cloudevents_mode }, event: { source: 'transactions' } }), context);
    expect((HTTP.toEvent({ headers: withoutUri.headers, body: withoutUri.body }) as CloudEventV1<unknown>).source).toBe('transactions');
  });

  it('percent-encodes exactly what the HTTP binding asks for', () => {
    expect(percentEncodeHeaderValue('plain-ASCII_value:/?#')).toBe('plain-ASCII_value:/?#');
    expect(percentEncodeHeaderValue('a b"c%d\u00e9')).toBe('a%20b%22c%25d%C3%A9');
  });
});

describe('caf format', () => {
  // CAF's own example webhook post, as ingest makes it canonical.
  const cafEvent = {
    source: 'transactions',
    metadata: { cloudevents_source: 'https://api.public.caf.io/v1/orchestrations' },
    type: 'TransactionFinished',
    subject_id: '6021a21b3811c35ecb8dea20',
    timestamp: '2023-08-01T13:10:25.791Z',
    data: { transactionId: '6021a21b3811c35ecb8dea20', workflowId: '7011a21b3811c35ecb8dea21', status: 'APPROVED', date: '2023-08-01T13:10:25.791Z' },
  };

  it('is exactly CAF’s CloudEvents JSON, dated at sending, with X-Caf-Signature', () => {
    const job = deliveryJob({ event: cafEvent, action: { format: 'caf', signature: { method: 'HMACSHA256', key: 'caf-secret' } } });
    const request = buildWebhookRequest(job, context);
    const body = JSON.parse(request.body);
    expect(Object.keys(body)).toEqual(['id', 'time', 'type', 'source', 'specversion', 'data']);
    expect(body).toEqual({
      id: job.event.id,
      time: '2023-08-01T13:10:25.791Z',
      type: 'TransactionFinished',
      source: 'https://api.public.caf.io/v1/orchestrations',
      specversion: '1.0',
      data: { transactionId: '6021a21b3811c35ecb8dea20', workflowId: '7011a21b3811c35ecb8dea21', status: 'APPROVED', date: sentAt.toISOString() },
    });
    expect(Object.keys(body.data)).toEqual(['transactionId', 'workflowId', 'status', 'date']);
    expect(request.headers['x-caf-signature']).toBe(hmacHex('caf-secret', request.body));
    const event = HTTP.toEvent({ headers: request.headers, body: request.body }) as CloudEventV1<{ status: string }>;
    expect(event.type).toBe('TransactionFinished');
    expect(event.data?.status).toBe('APPROVED');
    expect(() => verifyStandardWebhooks(SECRET_A, request)).not.toThrow();
  });

  it('sends the catalog source’s name as `source` when the event has no source URI', () => {
    const job = deliveryJob({ event: { ...cafEvent, metadata: {} }, action: { format: 'caf' } });
    expect(JSON.parse(buildWebhookRequest(job, context).body).source).toBe('transactions');
  });

  it('falls back to the subject, our workflow id and the status the type names', () => {
    const job = deliveryJob({ event: { ...cafEvent, type: 'TransactionPending', data: {} }, action: { format: 'caf' } });
    const body = JSON.parse(buildWebhookRequest(job, context).body);
    expect(body.data).toEqual({ transactionId: '6021a21b3811c35ecb8dea20', workflowId: job.workflow_id, status: 'PENDING', date: sentAt.toISOString() });
  });

  it('dates each attempt when it is sent', () => {
    const job = deliveryJob({ event: cafEvent, action: { format: 'caf' } });
    const later = new Date(sentAt.getTime() + 3_600_000);
    expect(JSON.parse(buildWebhookRequest(job, { ...context, sentAt: later }).body).data.date).toBe(later.toISOString());
  });
});

describe('mycashflow format', () => {
  const order = {
    id: 1234,
    status: 'new',
    customer: { id: 7, name: 'Ada' },
    payments: [{ id: 11, amount: 10 }, { id: 12, amount: 5 }],
    shipments: [{ id: 'sh_1', carrier: 'posti' }],
    tags: ['gift'],
    lines: [],
  };
  const subscription = { uuid: '083c584d-ae65-11ec-aef4-0242ac130002', topic: 'order.created', expands: ['payments'] };

  it('carries topic, the subscription uuid (body and header) and the expanded data', () => {
    const job = deliveryJob({ event: { type: 'order.created', source: 'orders', data: order }, action: { format: 'mycashflow', retry_policy: 'mycashflow' }, subscription });
    const request = buildWebhookRequest(job, context);
    const body = JSON.parse(request.body);
    expect(body).toEqual({
      topic: 'order.created',
      uuid: subscription.uuid,
      event_id: job.event.id,
      created_at: job.event.timestamp,
      data: { ...order, shipments: ['sh_1'] },
    });
    expect(request.headers['x-mycashflow-subscription']).toBe(subscription.uuid);
    expect(request.headers['x-mycashflow-topic']).toBe('order.created');
    expect(request.headers['content-type']).toBe('application/json');
    expect(() => verifyStandardWebhooks(SECRET_A, request)).not.toThrow();
  });

  it('without a subscription, uses the event type and no uuid', () => {
    const request = buildWebhookRequest(deliveryJob({ action: { format: 'mycashflow' } }), context);
    expect(JSON.parse(request.body)).toMatchObject({ topic: 'payment_approved', uuid: null });
    expect(request.headers['x-mycashflow-subscription']).toBeUndefined();
  });

  it('expands: named fields whole, other related collections reduced to ids, everything else untouched', () => {
    expect(applyExpands(order, ['payments', 'shipments'])).toEqual(order);
    expect(applyExpands(order, [])).toEqual({ ...order, payments: [11, 12], shipments: ['sh_1'] });
    expect(applyExpands({ mixed: [{ id: 1 }, { name: 'no id' }], nested: { items: [{ id: 1 }] } }, [])).toEqual({
      mixed: [{ id: 1 }, { name: 'no id' }],
      nested: { items: [{ id: 1 }] },
    });
  });
});
