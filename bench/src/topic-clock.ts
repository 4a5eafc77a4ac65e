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
