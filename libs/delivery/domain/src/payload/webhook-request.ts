import { type DeliveryJob, isReservedHeader, signingSecretsInForce } from '@hookstream/contracts';
import { deliveryTarget } from '../delivery-target';
import { cafPayload } from './caf.payload';
import { checkoutPayload } from './checkout.payload';
import { binaryCloudEventHeaders, CLOUDEVENTS_JSON, structuredCloudEvent } from './cloudevents.payload';
import { myCashflowPayload } from './mycashflow.payload';
import { hmacSha256Hex, standardWebhookSignature } from './signatures';

export interface WebhookRequest {
  /** Where it goes (see deliveryTarget). */
  url: string;
  /** Exactly the bytes sent and signed. */
  body: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  /** Headers whose values are secrets (the action's custom headers): masked in outcomes. */
  secretHeaders: string[];
}

export interface RequestContext {
  /** When this attempt is sent: webhook-timestamp, CAF's data.date. */
  sentAt: Date;
  /** Base of the public API, for Checkout's _links. */
  publicBaseUrl: string;
}

export const USER_AGENT = 'hookstream-webhooks/1.0';
export const MYCASHFLOW_SUBSCRIPTION_HEADER = 'x-mycashflow-subscription';
export const MYCASHFLOW_TOPIC_HEADER = 'x-mycashflow-topic';

/**
 * One attempt's HTTP request: its target, the body in the action's format,
 * the action's custom headers verbatim (only to the URL the tenant
 * configured), the format's own signature header, and Standard Webhooks
 * headers signed with every signing secret in force (both during a
 * rotation's grace period). `webhook-id` is the invocation id: the same on
 * every retry and reflow of one event+action. The job's secrets are in clear.
 */
export function buildWebhookRequest(job: DeliveryJob, context: RequestContext): WebhookRequest {
  const { action } = job;
  const target = deliveryTarget(job);
  const custom: Record<string, string> = {};
  for (const [name, value] of target.eventChosen ? [] : Object.entries(action.headers)) {
    const lower = name.toLowerCase();
    // The platform's own headers (the contract's rule): a custom copy cannot replace them.
    if (!isReservedHeader(lower)) custom[lower] = value;
  }

  let body: string;
  let formatHeaders: Record<string, string>;
  switch (action.format) {
    case 'checkout':
      body = JSON.stringify(checkoutPayload(job, context.publicBaseUrl));
      formatHeaders = { 'content-type': 'application/json', ...signed('cko-signature', action.signature?.key, body) };
      break;
    case 'cloudevents':
      if (action.cloudevents_mode === 'binary') {
        body = JSON.stringify(job.event.data);
        formatHeaders = binaryCloudEventHeaders(job);
      } else {
        body = JSON.stringify(structuredCloudEvent(job));
        formatHeaders = { 'content-type': CLOUDEVENTS_JSON };
      }
      formatHeaders = { ...formatHeaders, ...signed('x-caf-signature', action.signature?.key, body) };
      break;
    case 'caf':
      body = JSON.stringify(cafPayload(job, context.sentAt));
      formatHeaders = { 'content-type': CLOUDEVENTS_JSON, ...signed('x-caf-signature', action.signature?.key, body) };
      break;
    case 'mycashflow':
      body = JSON.stringify(myCashflowPayload(job));
      formatHeaders = {
        'content-type': 'application/json',
        ...(job.subscription ? { [MYCASHFLOW_SUBSCRIPTION_HEADER]: job.subscription.uuid, [MYCASHFLOW_TOPIC_HEADER]: job.subscription.topic } : {}),
      };
      break;
  }

  const timestamp = Math.floor(context.sentAt.getTime() / 1000);
  const headers = {
    'user-agent': USER_AGENT,
    ...custom,
    ...formatHeaders,
    'webhook-id': job.invocation_id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': standardWebhookSignature(signingSecretsInForce(action, context.sentAt), job.invocation_id, timestamp, body),
  };
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new UnsendableRequestError(`header name '${name}' is no HTTP token`);
    if (!HEADER_VALUE.test(value)) throw new UnsendableRequestError(`header '${name}' holds characters HTTP cannot carry (control or non-Latin-1)`);
  }
  return { url: target.url, body, headers, secretHeaders: Object.keys(custom).filter((name) => name !== 'user-agent') };
}

/** A job whose request no HTTP client could send: failing it at once says why, where the client would fail it as a network error on every retry. */
export class UnsendableRequestError extends Error {
  override readonly name = 'UnsendableRequestError';
}

// RFC 9110 token and field-value (obs-text allowed, as Node's HTTP client allows it).
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9a-z-]+$/i;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

function signed(header: string, key: string | undefined, body: string): Record<string, string> {
  return key ? { [header]: hmacSha256Hex(key, body) } : {};
}
