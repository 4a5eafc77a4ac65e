import { PayloadFormat } from '@hookstream/contracts';
import { deliveryJob } from './__fixtures__/delivery-job';
import { deliveryTarget } from './delivery-target';
import { buildWebhookRequest } from './payload/webhook-request';

const CONFIGURED = 'https://merchant.example/hook';
const OVERRIDE = 'https://producer-chosen.example/cb';
const context = { sentAt: new Date('2024-05-01T10:00:01.000Z'), publicBaseUrl: 'https://api.hookstream.test' };
const headers = { Authorization: 'Bearer tenant-credential', 'X-Api-Key': 'k-123' };

const job = (format: PayloadFormat, webhookUrl?: string) =>
  deliveryJob({ action: { url: CONFIGURED, format, headers }, event: { metadata: webhookUrl === undefined ? {} : { webhook_url: webhookUrl } } });

describe('deliveryTarget', () => {
  it("sends a CAF action's attempts to the event's metadata.webhook_url", () => {
    expect(deliveryTarget(job('caf', OVERRIDE))).toEqual({ url: OVERRIDE, eventChosen: true });
  });

  it.each(PayloadFormat.options.filter((format) => format !== 'caf'))('keeps the configured URL of a %s action whatever the event names', (format) => {
    expect(deliveryTarget(job(format, OVERRIDE))).toEqual({ url: CONFIGURED, eventChosen: false });
  });

  it.each(PayloadFormat.options)('uses the configured URL of a %s action when the event names none', (format) => {
    expect(deliveryTarget(job(format))).toEqual({ url: CONFIGURED, eventChosen: false });
  });

  it('counts an override equal to the configured URL as the configured one', () => {
    expect(deliveryTarget(job('caf', CONFIGURED))).toEqual({ url: CONFIGURED, eventChosen: false });
  });
});

describe('custom headers and the target', () => {
  it('never sends the action headers to a URL the event chose', () => {
    const request = buildWebhookRequest(job('caf', OVERRIDE), context);
    expect(request.url).toBe(OVERRIDE);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.headers['x-api-key']).toBeUndefined();
    expect(request.secretHeaders).toEqual([]);
    // The platform's own headers still go: the receiver can verify the delivery.
    expect(request.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it.each([
    ['a CAF action without an override', job('caf')],
    ['a checkout action whose event names another URL', job('checkout', OVERRIDE)],
  ])('sends them to the configured URL: %s', (_label, sample) => {
    const request = buildWebhookRequest(sample, context);
    expect(request.url).toBe(CONFIGURED);
    expect(request.headers).toMatchObject({ authorization: 'Bearer tenant-credential', 'x-api-key': 'k-123' });
  });
});
