import type { CanonicalEvent, DeliveryJob } from '@hookstream/contracts';

export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';

/**
 * The CloudEvents `source`: the URI the event came with, or the one its
 * catalog source maps to (ingest sets both in metadata); else the catalog
 * source's name, e.g. for a synthetic test event.
 */
export function cloudEventSource(event: CanonicalEvent): string {
  return event.metadata.cloudevents_source ?? event.source;
}

/** CloudEvents 1.0 attributes of an event (structured mode puts them all in the body). */
export function cloudEventAttributes(job: DeliveryJob): Record<string, string> {
  const { event } = job;
  return {
    specversion: '1.0',
    id: event.id,
    source: cloudEventSource(event),
    type: event.type,
    subject: event.subject_id,
    time: event.timestamp,
    datacontenttype: 'application/json',
  };
}

export function structuredCloudEvent(job: DeliveryJob): Record<string, unknown> {
  return { ...cloudEventAttributes(job), data: job.event.data };
}

/** Binary mode: the body is `data`; every other attribute is a ce-* header. */
export function binaryCloudEventHeaders(job: DeliveryJob): Record<string, string> {
  const { datacontenttype, ...attributes } = cloudEventAttributes(job);
  const headers: Record<string, string> = { 'content-type': datacontenttype };
  for (const [name, value] of Object.entries(attributes)) headers[`ce-${name}`] = percentEncodeHeaderValue(value);
  return headers;
}

/**
 * CloudEvents HTTP binding §3.1.3.2: bytes outside printable ASCII, space,
 * '"' and '%' are percent-encoded (UTF-8).
 */
export function percentEncodeHeaderValue(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const printable = byte >= 0x21 && byte <= 0x7e && byte !== 0x22 && byte !== 0x25;
    out += printable ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
