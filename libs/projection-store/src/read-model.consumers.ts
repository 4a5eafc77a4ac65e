import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CanonicalEvent, Contracts, DeliveryOutcome, Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { Metrics } from '@hookstream/service-runtime';
import { PROJECTION_SETTINGS, ProjectionSettings } from './projection-settings';
import { ReadModelWriter } from './read-model-writer';

/**
 * Canonical events and attempt outcomes into the read models, a Kafka batch
 * per transaction, committed after the write. Both consumers read from the
 * beginning when their group is new, which is how a rebuild replays.
 */
@Injectable()
export class ReadModelConsumers implements OnApplicationBootstrap {
  private readonly written;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly writer: ReadModelWriter,
    @Inject(PROJECTION_SETTINGS) private readonly settings: ProjectionSettings,
    metrics: Metrics,
  ) {
    this.written = metrics.counter('projection_messages_total', 'Messages written to the read models', ['kind']);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka
      .consumer<CanonicalEvent>({
        groupId: `${this.settings.groupId}-events`,
        topics: [Topics.events],
        contract: Contracts.events,
        deadLetter: Topics.projectionDeadLetter,
        fromBeginning: true,
        partitionsConsumedConcurrently: 3,
        handle: async (messages) => {
          await this.writer.writeEvents(messages.map((m) => m.value));
          this.written.inc({ kind: 'event' }, messages.length);
        },
      })
      .start();
    await this.kafka
      .consumer<DeliveryOutcome>({
        groupId: `${this.settings.groupId}-outcomes`,
        topics: [Topics.deliveryOutcomes],
        contract: Contracts.deliveryOutcomes,
        deadLetter: Topics.projectionDeadLetter,
        fromBeginning: true,
        partitionsConsumedConcurrently: 3,
        handle: async (messages) => {
          await this.writer.writeOutcomes(messages.map((m) => m.value));
          this.written.inc({ kind: 'outcome' }, messages.length);
        },
      })
      .start();
  }
}
