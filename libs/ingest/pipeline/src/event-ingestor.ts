import { Inject, Injectable } from '@nestjs/common';
import { newId, Topics } from '@hookstream/contracts';
import { AcceptedProducerEvent, Claim, distinctKeys, planEmission, ProducerKey, producerKeysOf, shareClaims, toCanonicalEvent } from '@hookstream/ingest-domain';
import { KafkaConnection } from '@hookstream/messaging';
import { GroupedRoundTrips } from '@hookstream/persistence';
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

/** Producer keys in one ledger query at most: big enough for any group of requests, small enough for one statement's arrays. */
const MAX_KEYS_PER_QUERY = 10_000;

/**
 * Turns accepted producer events into canonical events on the events topic,
 * one producer id one event. Kafka and HTTP ingest share it. Resolves only
 * once Kafka has the events (acks=all), so callers may commit or answer 202.
 *
 * Concurrent calls (HTTP requests, partitions' batches) share their
 * round trips: the ledger's claims and marks are grouped, as the
 * publisher's requests are, so a call costs no query of its own.
 */
@Injectable()
export class EventIngestor {
  private readonly outcomes;
  private readonly claims: GroupedRoundTrips<readonly ProducerKey[], Map<string, Claim>>;
  private readonly marks: GroupedRoundTrips<readonly ProducerKey[], undefined>;

  constructor(
    private readonly ledger: ProducerEventLedger,
    private readonly kafka: KafkaConnection,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    metrics: Metrics,
  ) {
    this.outcomes = metrics.counter('ingest_events_total', 'Producer events by outcome', ['outcome']);
    const grouping = { weight: (keys: readonly ProducerKey[]) => keys.length, maxWeight: MAX_KEYS_PER_QUERY };
    this.claims = new GroupedRoundTrips(async (calls) => {
      const claims = await this.ledger.claim(distinctKeys(calls.flat()), () => newId('evt'), this.settings.dedupWindowHours);
      return shareClaims(calls, claims);
    }, grouping);
    this.marks = new GroupedRoundTrips(async (calls) => {
      await this.ledger.markPublished(distinctKeys(calls.flat()));
      return calls.map(() => undefined);
    }, grouping);
  }

  /**
   * The evt id of each input, in order (a duplicate answers the original id).
   * Each canonical event continues its input's trace (`traces`, from the
   * producer's Kafka message), else the one active (the HTTP request's).
   */
  async ingest(events: AcceptedProducerEvent[], traces?: ReadonlyMap<AcceptedProducerEvent, TraceContext>): Promise<string[]> {
    // Every string here passed the event-shape checks, so a failing query means Postgres, not the input.
    const keys = producerKeysOf(events);
    const claims = keys.length === 0 ? new Map<string, Claim>() : await against('postgres', () => this.claims.submit(keys));
    const plan = planEmission(events, claims, () => newId('evt'));
    const now = new Date();
    // One publish keeps the input order of each subject's events (the publisher splits what is too big for one request).
    await against('kafka', () =>
      this.kafka.publisher.publish(
        Topics.events,
        plan.emit.map(({ event, eventId }) => ({ value: toCanonicalEvent(event, eventId, now), trace: traces?.get(event) })),
      ),
    );
    if (plan.claimed.length > 0) await against('postgres', () => this.marks.submit(plan.claimed));
    this.outcomes.inc({ outcome: 'accepted' }, plan.emit.length);
    this.outcomes.inc({ outcome: 'duplicate' }, plan.duplicates);
    return plan.ids;
  }

  countRejected(n: number): void {
    this.outcomes.inc({ outcome: 'rejected' }, n);
  }
}
