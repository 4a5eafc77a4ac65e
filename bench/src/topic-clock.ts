import type { TopicSpec } from '@hookstream/contracts';
import type { BatchConsumer, KafkaConnection } from '@hookstream/messaging';
import { uniquePrefix } from '@hookstream/testing';
import { sleep } from './stats';

/**
 * When each message of some topics was produced (its Kafka CreateTime), for
 * the messages produced while it listens: the moment a consumer such as the
 * projection could first have read it.
 */
export class TopicClock {
  private readonly times = new Map<string, number[]>();
  private consumer: BatchConsumer<Buffer | null> | undefined;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly topics: readonly TopicSpec[],
  ) {}

  async start(): Promise<this> {
    this.consumer = this.kafka.consumer<Buffer | null>({
      groupId: uniquePrefix('benchclock'),
      topics: this.topics,
      fromBeginning: false,
      partitionsConsumedConcurrently: 6,
      handle: async (messages, scope) => {
        const times = this.times.get(scope.topic) ?? [];
        for (const m of messages) times.push(m.timestamp);
        this.times.set(scope.topic, times);
      },
    });
    await this.consumer.start();
    await this.consumer.whenJoined();
    // A new group starts at the end of each partition; let it fetch once before anything is produced.
    await sleep(1000);
    return this;
  }

  /** CreateTimes of a topic's messages so far, ascending. */
  sorted(spec: TopicSpec): Float64Array {
    return Float64Array.from(this.times.get(this.kafka.topic(spec)) ?? []).sort();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}

/**
 * How long the bench's events took to reach each stage's topic: from the
 * producer's `data.sent_at_ms` to the CreateTime of the canonical event
 * (ingest done) and of its delivery job (matching done). With the receiver's
 * arrival times this splits the end-to-end latency by service.
 */
export class StageClock {
  private readonly delays = new Map<string, number[]>();
  private consumer: BatchConsumer<Buffer | null> | undefined;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly stages: readonly { topic: TopicSpec; sentAtMs: (value: unknown) => unknown }[],
  ) {}

  async start(): Promise<this> {
    const byTopic = new Map(this.stages.map((s) => [this.kafka.topic(s.topic), s]));
    this.consumer = this.kafka.consumer<Buffer | null>({
      groupId: uniquePrefix('benchstages'),
      topics: this.stages.map((s) => s.topic),
      fromBeginning: false,
      partitionsConsumedConcurrently: 6,
      handle: async (messages, scope) => {
        const stage = byTopic.get(scope.topic);
        if (!stage) return;
        const delays = this.delays.get(scope.topic) ?? [];
        for (const m of messages) {
          try {
            const sentAt = Number(stage.sentAtMs(JSON.parse(m.value?.toString('utf8') ?? 'null')));
            if (Number.isFinite(sentAt)) delays.push(m.timestamp - sentAt);
          } catch {
            /* not a bench message */
          }
        }
        this.delays.set(scope.topic, delays);
      },
    });
    await this.consumer.start();
    await this.consumer.whenJoined();
    await sleep(1000);
    return this;
  }

  /** Delays (ms) from the producer to the topic, since the last reset. */
  delaysTo(spec: TopicSpec): number[] {
    return this.delays.get(this.kafka.topic(spec)) ?? [];
  }

  reset(): void {
    this.delays.clear();
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}
