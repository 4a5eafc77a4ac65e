import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import { AcceptedProducerEvent, KnownEventTypes, ProducerEventResult, readProducerBytes, ReadOptions } from '@hookstream/ingest-domain';
import { BatchConsumer, FetchPacing, ConsumedMessage, deadLetterMessage, KafkaConnection, MAX_REQUEST_BYTES } from '@hookstream/messaging';
import { ReadinessRegistry } from '@hookstream/service-runtime';
import { EventIngestor } from './event-ingestor';
import { EventTypeCatalogClient } from './event-type-catalog.client';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';

/**
 * Reads the producer topics a batch at a time: invalid messages become dead
 * letters with their reason and original bytes, the rest go through the
 * ingestor in one go; the batch is committed after both are acknowledged.
 */
@Injectable()
export class ProducerTopicsConsumer implements OnApplicationBootstrap {
  private consumer: BatchConsumer<Buffer | null> | undefined;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly ingestor: EventIngestor,
    private readonly catalog: EventTypeCatalogClient,
    private readonly readiness: ReadinessRegistry,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('producer-topics-consumer', async () => {
      const error = this.consumer?.healthError();
      if (error) throw error;
    });
    await this.kafka.ensureTopics(this.settings.inboundTopics);
    const { defaultTenantId, cloudEventSources, maxEventBytes, maxDepth } = this.settings;
    const read = (messages: ConsumedMessage<Buffer | null>[], knownEventTypes: KnownEventTypes) => {
      const options: ReadOptions = { defaultTenantId, cloudEventSources, maxEventBytes, maxDepth, knownEventTypes };
      return messages.map((m) => readSafely(m.value, options));
    };
    this.consumer = this.kafka.consumer<Buffer | null>({
      groupId: this.settings.groupId,
      topics: this.settings.inboundTopics,
      // Every partition of a fetch at once: their event publishes share one request.
      partitionsConsumedConcurrently: Topics.producerEvents.partitions,
      ...FetchPacing.pipelineStage,
      // A burst's batches are parsed, checked and re-encoded whole: smaller ones keep the heap from ballooning.
      maxBytesPerPartition: 256 * 1024,
      handle: async (messages) => {
        // Without the catalog nothing can be judged: the partition waits for workflow-config rather than dead-lettering valid events.
        let results = read(messages, await this.catalog.loaded());
        // A type added to the catalog since the last reload is known after one more.
        if (results.some(isUnknownType) && (await this.catalog.reloadAfterMiss())) results = read(messages, await this.catalog.loaded());
        const accepted: AcceptedProducerEvent[] = [];
        const rejected: DeadLetter[] = [];
        results.forEach((result, i) => {
          if (result.ok) accepted.push(result.event);
          else rejected.push(deadLetterOf(messages[i], result.reason));
        });
        await this.kafka.publisher.publishEncoded(Topics.ingestDeadLetter, rejected);
        this.ingestor.countRejected(rejected.length);
        if (accepted.length > 0) await this.ingestor.ingest(accepted);
      },
    });
    await this.consumer.start();
  }
}

type DeadLetter = ReturnType<typeof deadLetterMessage>;

const isUnknownType = (result: ProducerEventResult) => !result.ok && result.codes.includes('event_type_unknown');

/** Reading is pure and bounded; should it still throw, that one message is a dead letter, never a stuck partition. */
function readSafely(bytes: Buffer | null, options: ReadOptions): ProducerEventResult {
  try {
    return readProducerBytes(bytes, options);
  } catch (err) {
    return { ok: false, codes: ['event_unreadable'], reason: `unreadable: ${(err as Error).message}` };
  }
}

/** Room for the key and the dead-letter headers beside the original bytes. */
const LETTER_OVERHEAD = 4096;

/**
 * The original bytes with the reason; an original too big to be produced
 * again with headers keeps only its coordinates (topic, partition, offset).
 */
function deadLetterOf(m: ConsumedMessage<Buffer | null>, reason: string): DeadLetter {
  const size = m.value?.length ?? 0;
  if (size + LETTER_OVERHEAD <= MAX_REQUEST_BYTES) return deadLetterMessage(m, reason);
  return deadLetterMessage({ ...m, value: null }, `${reason} (original of ${size} bytes not copied: read it at the offset given)`);
}
