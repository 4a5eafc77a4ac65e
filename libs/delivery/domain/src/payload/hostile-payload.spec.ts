import fc from 'fast-check';
import type { DeliveryJob } from '@hookstream/contracts';
import { deliveryJob } from '../__fixtures__/delivery-job';
import { hostileText } from '@hookstream/testing';
import { buildWebhookRequest, UnsendableRequestError } from './webhook-request';

const context = { sentAt: new Date('2024-05-01T10:00:01Z'), publicBaseUrl: 'https://api.example.com' };
const formats: { format: DeliveryJob['action']['format']; cloudevents_mode?: 'structured' | 'binary' }[] = [
  { format: 'checkout' },
  { format: 'cloudevents', cloudevents_mode: 'structured' },
  { format: 'cloudevents', cloudevents_mode: 'binary' },
  { format: 'caf' },
  { format: 'mycashflow' },
];
const EVENT_FIELDS = ['source', 'type', 'subject_id', 'entity_id', 'processing_channel_id', 'version'] as const;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** A body any receiver can read (UTF-8, JSON) and headers any client can send, or a clear refusal. */
function expectSendableOrRefused(job: DeliveryJob): void {
  let request;
  try {
    request = buildWebhookRequest(job, context);
  } catch (err) {
    expect(err).toBeInstanceOf(UnsendableRequestError);
    return;
  }
  expect(Buffer.from(request.body, 'utf8').toString('utf8')).toBe(request.body);
  expect(() => JSON.parse(request.body)).not.toThrow();
  for (const value of Object.values(request.headers)) expect(value).toMatch(HEADER_VALUE);
}

describe('webhook requests from hostile events', () => {
  it.each(formats)('builds a well-formed %o request with a lone surrogate and NUL in every event field', (shape) => {
    const hostile = 'x\ud800\u0000\udfffy';
    const job = deliveryJob({
      action: { ...shape },
      event: { ...Object.fromEntries(EVENT_FIELDS.map((f) => [f, hostile])), data: { [hostile]: hostile, nested: [{ v: hostile }] }, metadata: { note: hostile } },
      subscription: shape.format === 'mycashflow' ? { uuid: '083c584d-ae65-11ec-aef4-0242ac130002', topic: 'order.created', expands: [hostile] } : null,
    });
    expect(() => buildWebhookRequest(job, context)).not.toThrow();
    expectSendableOrRefused(job);
  });

  it('sends any string in any event field, in every format, or refuses it with UnsendableRequestError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.constantFrom(...EVENT_FIELDS), hostileText(), hostileText(), (shape, field, value, key) => {
        const job = deliveryJob({ action: { ...shape }, event: { [field]: value, data: { [key]: value, list: [{ id: value }] } } });
        expectSendableOrRefused(job);
      }),
    );
  });

  it('refuses an action header HTTP cannot carry, saying which', () => {
    const job = deliveryJob({ action: { headers: { 'x-tenant': 'a\u0000b' } } });
    expect(() => buildWebhookRequest(job, context)).toThrow(new UnsendableRequestError("header 'x-tenant' holds characters HTTP cannot carry (control or non-Latin-1)"));
    fc.assert(fc.property(hostileText(), hostileText(), (name, value) => expectSendableOrRefused(deliveryJob({ action: { headers: { [name]: value } } }))));
  });
});
