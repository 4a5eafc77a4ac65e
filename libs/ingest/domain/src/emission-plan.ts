import type { AcceptedProducerEvent } from './producer-event';

/** What dedup is keyed on: the same producer id from one tenant and source is one event. */
export interface ProducerKey {
  tenantId: string;
  source: string;
  producerId: string;
}

/** What the dedup ledger decided for one producer key. */
export type Claim =
  /** First time (or the window passed): emit with this new id. */
  | { kind: 'new'; eventId: string }
  /** Claimed before but never acknowledged by Kafka (a crash, a failed send): emit again, same id. */
  | { kind: 'unpublished'; eventId: string }
  /** Already emitted within the window: answer its id, emit nothing. */
  | { kind: 'duplicate'; eventId: string };

export const producerKeyString = (k: ProducerKey): string => `${k.tenantId}\u0000${k.source}\u0000${k.producerId}`;

function keyOf(event: AcceptedProducerEvent): ProducerKey | null {
  return event.producerId === null ? null : { tenantId: event.tenantId, source: event.source, producerId: event.producerId };
}

/** The distinct producer keys of a batch, in order of first appearance: one ledger claim each. */
export function producerKeysOf(events: readonly AcceptedProducerEvent[]): ProducerKey[] {
  return distinctKeys(events.map(keyOf).filter((key): key is ProducerKey => key !== null));
}

/** Each key once, in order of first appearance. */
export function distinctKeys(keys: readonly ProducerKey[]): ProducerKey[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    const keyString = producerKeyString(key);
    if (seen.has(keyString)) return false;
    seen.add(keyString);
    return true;
  });
}

/**
 * One ledger claim made for several callers' keys (a group commit), shared
 * out in the callers' order. A key an earlier caller of the group also
 * claimed is, for the later one, claimed but not yet published: it emits
 * again with the same id, as a request arriving while the first one was
 * being published always has, so neither answers before its event is in
 * Kafka and both answer the same id.
 */
export function shareClaims(calls: readonly (readonly ProducerKey[])[], claims: ReadonlyMap<string, Claim>): Map<string, Claim>[] {
  const taken = new Set<string>();
  return calls.map((keys) => {
    const own = new Map<string, Claim>();
    for (const key of keys) {
      const keyString = producerKeyString(key);
      const claim = claims.get(keyString);
      if (!claim) continue; // planEmission refuses an event whose key has no claim
      own.set(keyString, claim.kind === 'new' && taken.has(keyString) ? { kind: 'unpublished', eventId: claim.eventId } : claim);
    }
    for (const key of keys) taken.add(producerKeyString(key));
    return own;
  });
}

export interface EmissionPlan {
  /** The evt id answered for each input, in input order (a duplicate answers the original). */
  ids: string[];
  /** What to produce, in input order, so one subject's events keep their order. */
  emit: { event: AcceptedProducerEvent; eventId: string }[];
  /** Keys to mark published once Kafka has acknowledged `emit`. */
  claimed: ProducerKey[];
  duplicates: number;
}

/**
 * Given the ledger's claims, decides each input's id and what to produce.
 * Events without a producer id are never deduplicated; a producer id that
 * repeats within the batch is emitted once, at its first position.
 */
export function planEmission(
  events: readonly AcceptedProducerEvent[],
  claims: ReadonlyMap<string, Claim>,
  newEventId: () => string,
): EmissionPlan {
  const plan: EmissionPlan = { ids: [], emit: [], claimed: [], duplicates: 0 };
  const answered = new Set<string>();
  for (const event of events) {
    const key = keyOf(event);
    if (key === null) {
      const eventId = newEventId();
      plan.ids.push(eventId);
      plan.emit.push({ event, eventId });
      continue;
    }
    const keyString = producerKeyString(key);
    const claim = claims.get(keyString);
    if (!claim) throw new Error(`no ledger claim for producer id ${key.producerId}`);
    plan.ids.push(claim.eventId);
    if (answered.has(keyString) || claim.kind === 'duplicate') {
      plan.duplicates++;
    } else {
      plan.emit.push({ event, eventId: claim.eventId });
      plan.claimed.push(key);
    }
    answered.add(keyString);
  }
  return plan;
}
