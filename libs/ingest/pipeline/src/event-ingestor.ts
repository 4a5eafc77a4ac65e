import { Inject, Injectable } from '@nestjs/common';
import { newId, Topics } from '@hookstream/contracts';
import { AcceptedProducerEvent, planEmission, producerKeysOf, toCanonicalEvent } from '@hookstream/ingest-domain';
import { KafkaConnection } from '@hookstream/messaging';
import { Metrics } from '@hookstream/service-runtime';
import type { TraceContext } from '@hookstream/tracing';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';
import { ProducerEventLedger } from './producer-event-ledger';

/**
 * A dependency of ingest (the dedup ledger's Postgres, or Kafka) failed: the
 * events were not accepted and the same request may be sent again later.
 */
export class IngestUnavailableError extends Error {
  override readonly name = 'IngestUnavailableError';
  constructor(
    readonly dependency: 'postgres' | 'kafka',
    options: { cause: unknown },
  ) {
    super(`${dependency} unavailable: ${(options.cause as Error)?.message ?? String(options.cause)}`, options);
  }
}

/** Runs one step against a dependency; its failure becomes an IngestUnavailableError. */
async function against<T>(dependency: 'postgres' | 'kafka', step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (cause) {
    throw new IngestUnavailableError(dependency, { cause });
  }
}

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

  /**
   * The evt id of each input, in order (a duplicate answers the original id).
   * Each canonical event continues its input's trace (`traces`, from the
   * producer's Kafka message), else the one active (the HTTP request's).
   */
  async ingest(events: AcceptedProducerEvent[], traces?: ReadonlyMap<AcceptedProducerEvent, TraceContext>): Promise<string[]> {
    // Every string here passed the event-shape checks, so a failing query means Postgres, not the input.
    const claims = await against('postgres', () => this.ledger.claim(producerKeysOf(events), () => newId('evt'), this.settings.dedupWindowHours));
    const plan = planEmission(events, claims, () => newId('evt'));
    const now = new Date();
    // One publish keeps the input order of each subject's events (the publisher splits what is too big for one request).
    await against('kafka', () =>
      this.kafka.publisher.publish(
        Topics.events,
        plan.emit.map(({ event, eventId }) => ({ value: toCanonicalEvent(event, eventId, now), trace: traces?.get(event) })),
      ),
    );
    await against('postgres', () => this.ledger.markPublished(plan.claimed));
    this.outcomes.inc({ outcome: 'accepted' }, plan.emit.length);
    this.outcomes.inc({ outcome: 'duplicate' }, plan.duplicates);
    return plan.ids;
  }

  countRejected(n: number): void {
    this.outcomes.inc({ outcome: 'rejected' }, n);
  }
}
