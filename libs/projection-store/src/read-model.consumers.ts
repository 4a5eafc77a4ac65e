import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CanonicalEvent, Contracts, DeliveryOutcome, ReflowRequest, Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { BatchConsumer, ConsumedMessage, FetchPacing, KafkaConnection } from '@hookstream/messaging';
import { Metrics, ReadinessRegistry, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { PROJECTION_SETTINGS, ProjectionSettings, projectionGroupIds } from './projection-settings';
import { ReadModelWriter } from './read-model-writer';

type Kind = 'event' | 'outcome' | 'test_event';

/**
 * Canonical events, attempt outcomes and test samples into the read models:
 * a Kafka batch per transaction, committed after the write. Each consumer
 * reads from the beginning when its group is new, which is how a rebuild
 * replays.
 */
@Injectable()
export class ReadModelConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly consumers: BatchConsumer<unknown>[] = [];
  private startFailure: Error | undefined;
  private readonly written;
  private readonly lag;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly writer: ReadModelWriter,
    private readonly readiness: ReadinessRegistry,
    @Inject(PROJECTION_SETTINGS) private readonly settings: ProjectionSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.written = metrics.counter('projection_messages_total', 'Messages written to the read models', ['kind']);
    this.lag = metrics.histogram(
      'projection_lag_seconds',
      'From a message reaching Kafka to its write committing in the read models',
      ['kind'],
      [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    );
  }

  // Joining the groups takes seconds: the service listens meanwhile, and is
  // ready once every consumer joined and none crashed for good.
  onApplicationBootstrap(): void {
    this.readiness.register('projection-consumers', () => this.check());
    this.start().catch((err: unknown) => {
      this.startFailure = err as Error;
      this.logger.error({ err }, 'projection consumers failed to start');
    });
  }

  // Before Postgres and Kafka close: the batch in hand is written and committed.
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
  }

  private async start(): Promise<void> {
    const groups = projectionGroupIds(this.settings.groupId);
    const events = this.kafka.consumer<CanonicalEvent>({
      groupId: groups.events,
      topics: [Topics.events],
      contract: Contracts.events,
      deadLetter: Topics.projectionDeadLetter,
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      ...FetchPacing.readModel,
      handle: (messages) => this.writeBatch('event', messages, () => this.writer.writeEvents(messages.map((m) => m.value))),
    });
    const outcomes = this.kafka.consumer<DeliveryOutcome>({
      groupId: groups.outcomes,
      topics: [Topics.deliveryOutcomes],
      contract: Contracts.deliveryOutcomes,
      deadLetter: Topics.projectionDeadLetter,
      fromBeginning: true,
      partitionsConsumedConcurrently: 3,
      ...FetchPacing.readModel,
      handle: (messages) => this.writeBatch('outcome', messages, () => this.writer.writeOutcomes(messages.map((m) => m.value))),
    });
    // A test sample is never on the events topic (the matcher would match it
    // against every workflow): it is stored from its reflow request, so that
    // its deliveries can be inspected like any event's. Reflows of stored
    // events are skipped: their event is already here.
    const testEvents = this.kafka.consumer<ReflowRequest>({
      groupId: groups.testEvents,
      topics: [Topics.reflowRequests],
      contract: Contracts.reflowRequests,
      deadLetter: Topics.projectionDeadLetter,
      fromBeginning: true,
      handle: (messages) => {
        const samples = messages.filter((m) => m.value.event.metadata.test === true);
        return this.writeBatch('test_event', samples, () => this.writer.writeEvents(samples.map((m) => m.value.event)));
      },
    });
    this.consumers.push(events as BatchConsumer<unknown>, outcomes as BatchConsumer<unknown>, testEvents as BatchConsumer<unknown>);
    await Promise.all(this.consumers.map((c) => c.start()));
  }

  private async writeBatch(kind: Kind, messages: readonly ConsumedMessage<unknown>[], write: () => Promise<void>): Promise<void> {
    if (messages.length === 0) return;
    await write();
    const now = Date.now();
    for (const m of messages) this.lag.observe({ kind }, Math.max(0, now - m.timestamp) / 1000);
    this.written.inc({ kind }, messages.length);
  }

  private async check(): Promise<void> {
    if (this.startFailure) throw this.startFailure;
    for (const consumer of this.consumers) {
      const error = consumer.healthError();
      if (error) throw error;
    }
    if (this.consumers.length === 0) throw new Error('projection consumers not started yet');
    await Promise.all(this.consumers.map((c) => c.whenJoined()));
  }
}
