import { wellFormed, type DeliveryJob } from '@hookstream/contracts';

/** The event as Checkout.com's webhooks carry it, with links into our API (a lone surrogate, which no URL can encode, becomes U+FFFD there). */
export function checkoutPayload(job: DeliveryJob, publicBaseUrl: string): Record<string, unknown> {
  const { event } = job;
  const base = publicBaseUrl.replace(/\/+$/, '');
  return {
    id: event.id,
    type: event.type,
    source: event.source,
    created_on: event.timestamp,
    version: event.version,
    data: event.data,
    _links: {
      self: { href: `${base}/workflows/events/${event.id}` },
      subject: { href: `${base}/workflows/events/subject/${encodeURIComponent(wellFormed(event.subject_id))}` },
    },
  };
}
