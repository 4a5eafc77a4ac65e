import { Inject, Injectable } from '@nestjs/common';
import { CanonicalEvent, Contracts, newId } from '@hookstream/contracts';
import { AcceptedProducerEvent, toCanonicalEvent } from '@hookstream/ingest-domain';
import { KafkaConnection } from '@hookstream/messaging';
import { Metrics } from '@hookstream/service-runtime';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';
import { Claim, ProducerEventLedger, ProducerKey } from './producer-event-ledger';

const keyOf = (e: AcceptedProducerEvent) => `${e.tenantId}\u0000${e.source}\u0000${e.producerId}`;

/**
 * Turns accepted producer events into canonical events on the events topic,
 * one producer id one event. Kafka and HTTP ingest share it. Resolves only
 * once Kafka has the events (acks=all), so callers may commit or answer 202.
 */
@Injectable()
export class EventIngestor {
  private readonly outcomes;

  constructor(
    private readonly ledger: ProducerEventLedger,
    private readonly kafka: KafkaConnection,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    metrics: Metrics,
  ) {
    this.outcomes = metrics.counter('ingest_events_total', 'Producer events by outcome', ['outcome']);
  }

  /** The evt id of each input, in order (a duplicate answers the original id). */
  async ingest(events: AcceptedProducerEvent[]): Promise<string[]> {
    const now = new Date();
    const ids: string[] = new Array(events.length);
    const toEmit: CanonicalEvent[] = [];
    const claimed: ProducerKey[] = [];

    // The first occurrence of a producer id in this batch claims it; later ones repeat its answer.
    const firstIndex = new Map<string, number>();
    const keyed: number[] = [];
    events.forEach((e, i) => {
      if (e.producerId === null) {
        ids[i] = newId('evt');
        toEmit.push(toCanonicalEvent(e, ids[i], now));
      } else if (!firstIndex.has(keyOf(e))) {
        firstIndex.set(keyOf(e), i);
        keyed.push(i);
      }
    });
    const keys = keyed.map((i) => ({ tenantId: events[i].tenantId, source: events[i].source, producerId: events[i].producerId ?? '' }));
    const claims: Claim[] = await this.ledger.claim(
      keys,
      keyed.map(() => newId('evt')),
      this.settings.dedupWindowHours,
    );
    claims.forEach((claim, n) => {
      const i = keyed[n];
      ids[i] = claim.eventId;
      if (claim.kind === 'duplicate') return;
      toEmit.push(toCanonicalEvent(events[i], claim.eventId, now));
      claimed.push(keys[n]);
    });
    let duplicates = 0;
    events.forEach((e, i) => {
      if (ids[i] !== undefined) return;
      ids[i] = ids[firstIndex.get(keyOf(e)) ?? i];
      duplicates++;
    });

    await this.kafka.publisher.publish(
      Contracts.events,
      toEmit.map((event) => ({ key: event.subject_id, value: event })),
    );
    await this.ledger.markPublished(claimed);
    this.outcomes.inc({ outcome: 'accepted' }, toEmit.length);
    this.outcomes.inc({ outcome: 'duplicate' }, duplicates + claims.filter((c) => c.kind === 'duplicate').length);
    return ids;
  }

  countRejected(n: number): void {
    this.outcomes.inc({ outcome: 'rejected' }, n);
  }
}
