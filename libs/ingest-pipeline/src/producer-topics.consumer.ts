import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import { AcceptedProducerEvent, readProducerBytes } from '@hookstream/ingest-domain';
import { deadLetterMessage, KafkaConnection } from '@hookstream/messaging';
import { EventIngestor } from './event-ingestor';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';

/**
 * Reads the producer topics a batch at a time: invalid messages become dead
 * letters with their reason and original bytes, the rest go through the
 * ingestor in one go; the batch is committed after both are acknowledged.
 */
@Injectable()
export class ProducerTopicsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly ingestor: EventIngestor,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.kafka.ensureTopics(this.settings.inboundTopics);
    const consumer = this.kafka.consumer<Buffer | null>({
      groupId: this.settings.groupId,
      topics: this.settings.inboundTopics,
      partitionsConsumedConcurrently: 3,
      handle: async (messages) => {
        const accepted: AcceptedProducerEvent[] = [];
        const rejected: ReturnType<typeof deadLetterMessage>[] = [];
        for (const m of messages) {
          const result = readProducerBytes(m.value, { defaultTenantId: this.settings.defaultTenantId, cloudEventSources: this.settings.cloudEventSources });
          if (result.ok) accepted.push(result.event);
          else rejected.push(deadLetterMessage({ ...m, value: m.value }, result.reason));
        }
        await this.kafka.publisher.publishEncoded(Topics.ingestDeadLetter, rejected);
        this.ingestor.countRejected(rejected.length);
        if (accepted.length > 0) await this.ingestor.ingest(accepted);
      },
    });
    await consumer.start();
  }
}
