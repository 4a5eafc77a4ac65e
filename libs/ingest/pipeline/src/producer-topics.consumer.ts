import { Inject, Injectable } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import { AcceptedProducerEvent, KnownEventTypes, ProducerEventResult, readProducerBytes, ReadOptions } from '@hookstream/ingest-domain';
import { BatchScope, ConsumedMessage, ConsumerHost, FetchPacing, KafkaConnection } from '@hookstream/messaging';
import type { TraceContext } from '@hookstream/tracing';
import { EventIngestor } from './event-ingestor';
import { EventTypeCatalogClient } from './event-type-catalog.client';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';

/**
 * Reads the producer topics a batch at a time: invalid messages are
 * rejected (dead letters with their reason and original bytes), the rest go
 * through the ingestor in one go; the batch is committed after both are
 * acknowledged.
 */
@Injectable()
export class ProducerTopicsConsumer {
  constructor(
    kafka: KafkaConnection,
    host: ConsumerHost,
    private readonly ingestor: EventIngestor,
    private readonly catalog: EventTypeCatalogClient,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {
    host.add<Buffer | null>({
      groupId: settings.groupId,
      topics: settings.inboundTopics,
      // Configured, not known to the app module: created here.
      beforeStart: () => kafka.ensureTopics(settings.inboundTopics),
      // Every partition of a fetch at once: their event publishes share one request.
      partitionsConsumedConcurrently: Topics.producerEvents.partitions,
      ...FetchPacing.pipelineStage,
      // A burst's batches are parsed, checked and re-encoded whole: smaller ones keep the heap from ballooning.
      maxBytesPerPartition: 256 * 1024,
      handle: (messages, scope) => this.ingest(messages, scope),
    });
  }

  private async ingest(messages: ConsumedMessage<Buffer | null>[], scope: BatchScope): Promise<void> {
    // Without the catalog nothing can be judged: the partition waits for workflow-config rather than dead-lettering valid events.
    let results = this.read(messages, await this.catalog.loaded());
    // A type added to the catalog since the last reload is known after one more.
    if (results.some(isUnknownType) && (await this.catalog.reloadAfterMiss())) results = this.read(messages, await this.catalog.loaded());
    const accepted: AcceptedProducerEvent[] = [];
    // A producer that traces (traceparent on its message) sees its trace go on through the canonical event.
    const traces = new Map<AcceptedProducerEvent, TraceContext>();
    results.forEach((result, i) => {
      const trace = messages[i].trace;
      if (!result.ok) scope.reject(messages[i], result.reason);
      else {
        accepted.push(result.event);
        if (trace) traces.set(result.event, trace);
      }
    });
    this.ingestor.countRejected(messages.length - accepted.length);
    if (accepted.length > 0) await this.ingestor.ingest(accepted, traces);
  }

  private read(messages: ConsumedMessage<Buffer | null>[], knownEventTypes: KnownEventTypes): ProducerEventResult[] {
    const { defaultTenantId, cloudEventSources, maxEventBytes, maxDepth } = this.settings;
    const options: ReadOptions = { defaultTenantId, cloudEventSources, maxEventBytes, maxDepth, knownEventTypes };
    return messages.map((m) => readSafely(m.value, options));
  }
}

const isUnknownType = (result: ProducerEventResult) => !result.ok && result.codes.includes('event_type_unknown');

/** Reading is pure and bounded; should it still throw, that one message is a dead letter, never a stuck partition. */
function readSafely(bytes: Buffer | null, options: ReadOptions): ProducerEventResult {
  try {
    return readProducerBytes(bytes, options);
  } catch (err) {
    return { ok: false, codes: ['event_unreadable'], reason: `unreadable: ${(err as Error).message}` };
  }
}
