import { Inject, Injectable } from '@nestjs/common';
import { CanonicalEvent, decodeMessage, DeliveryOutcome, ReflowRequest, Topics } from '@hookstream/contracts';
import { ConsumedMessage, ConsumerHost, FetchPacing } from '@hookstream/messaging';
import { GroupedBatchWrites } from '@hookstream/persistence';
import { Metrics } from '@hookstream/service-runtime';
import { PROJECTION_SETTINGS, ProjectionSettings, projectionGroupIds } from './projection-settings';
import { ReadModelWriter } from './read-model-writer';

type Kind = 'event' | 'outcome' | 'test_event';

/**
 * Canonical events, attempt outcomes and test samples into the read models,
 * each Kafka batch committed after its write. The batches of partitions
 * handled at once are written in one transaction (GroupedBatchWrites): a
 * round trip and a commit per batch cost Postgres and this process more
 * than the rows. Each consumer reads from the beginning when its group is
 * new, which is how a rebuild replays.
 */
@Injectable()
export class ReadModelConsumers {
  private readonly written;
  private readonly lag;
  private readonly events: GroupedBatchWrites<CanonicalEvent>;
  private readonly outcomes: GroupedBatchWrites<DeliveryOutcome>;

  constructor(
    host: ConsumerHost,
    private readonly writer: ReadModelWriter,
    @Inject(PROJECTION_SETTINGS) settings: ProjectionSettings,
    metrics: Metrics,
  ) {
    this.written = metrics.counter('projection_messages_total', 'Messages written to the read models', ['kind']);
    this.lag = metrics.histogram(
      'projection_lag_seconds',
      'From a message reaching Kafka to its write committing in the read models',
      ['kind'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    );
    this.events = new GroupedBatchWrites((events) => this.writer.writeEvents(events));
    this.outcomes = new GroupedBatchWrites((outcomes) => this.writer.writeOutcomes(outcomes));
    const groups = projectionGroupIds(settings.groupId);
    host.add<CanonicalEvent>({
      groupId: groups.events,
      topics: [Topics.events],
      decode: (m) => decodeMessage(Topics.events, m.value),
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      ...FetchPacing.readModel,
      handle: (messages) => this.writeBatch('event', messages, () => this.events.write(messages.map((m) => m.value))),
    });
    host.add<DeliveryOutcome>({
      groupId: groups.outcomes,
      topics: [Topics.deliveryOutcomes],
      decode: (m) => decodeMessage(Topics.deliveryOutcomes, m.value),
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      ...FetchPacing.readModel,
      handle: (messages) => this.writeBatch('outcome', messages, () => this.outcomes.write(messages.map((m) => m.value))),
    });
    // A test sample is never on the events topic (the matcher would match it
    // against every workflow): it is stored from its reflow request, so that
    // its deliveries can be inspected like any event's. Reflows of stored
    // events are skipped: their event is already here.
    host.add<ReflowRequest>({
      groupId: groups.testEvents,
      topics: [Topics.reflowRequests],
      decode: (m) => decodeMessage(Topics.reflowRequests, m.value),
      fromBeginning: true,
      handle: (messages) => {
        const samples = messages.filter((m) => m.value.event.metadata.test === true);
        return this.writeBatch('test_event', samples, () => this.events.write(samples.map((m) => m.value.event)));
      },
    });
  }

  private async writeBatch(kind: Kind, messages: readonly ConsumedMessage<unknown>[], write: () => Promise<void>): Promise<void> {
    if (messages.length === 0) return;
    await write();
    const now = Date.now();
    for (const m of messages) this.lag.observe({ kind }, Math.max(0, now - m.timestamp) / 1000);
    this.written.inc({ kind }, messages.length);
  }
}
