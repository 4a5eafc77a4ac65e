import type { DeliveryJob } from '@hookstream/contracts';

/**
 * MyCashflow's message: {topic, uuid, event_id, created_at, data}. `uuid` is
 * the subscription's, so the receiver can check the message belongs to the
 * subscription it created (null for an action that is no subscription).
 */
export function myCashflowPayload(job: DeliveryJob): Record<string, unknown> {
  const { event, subscription } = job;
  return {
    topic: subscription?.topic ?? event.type,
    uuid: subscription?.uuid ?? null,
    event_id: event.id,
    created_at: event.timestamp,
    data: applyExpands(event.data, subscription?.expands ?? []),
  };
}

/**
 * The expands rule, on the top-level fields of the event's data: a field
 * named in `expands` is included whole; any other field holding a related
 * collection (a non-empty array whose every element is an object with an
 * `id`) is reduced to the array of those ids; every other field is kept as is.
 *   data {id: 7, payments: [{id: 1, sum: 5}], shipments: [{id: 9}]}, expands ["payments"]
 *   -> {id: 7, payments: [{id: 1, sum: 5}], shipments: [9]}
 */
export function applyExpands(data: Record<string, unknown>, expands: readonly string[]): Record<string, unknown> {
  const expanded = new Set(expands);
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    out[field] = !expanded.has(field) && isRelatedCollection(value) ? value.map((item) => item.id) : value;
  }
  return out;
}

function isRelatedCollection(value: unknown): value is { id: string | number }[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item) && (typeof item.id === 'string' || typeof item.id === 'number'))
  );
}
