import { KafkaConnection, ConsumedMessage } from '@hookstream/messaging';
import { rejectedMessagesTopic, TopicSpec } from '@hookstream/contracts';
import { testInfra, testLogger, uniquePrefix } from './infra';

/**
 * Reads what services wrote to a topic, from the beginning, into memory, so
 * that a test can assert on it.
 */
export class TopicRecorder<T = Buffer | null> {
  readonly messages: ConsumedMessage<T>[] = [];
  private connection: KafkaConnection | undefined;

  constructor(
    private readonly topicPrefix: string,
    private readonly topic: TopicSpec,
  ) {}

  async start(): Promise<this> {
    const infra = testInfra();
    this.connection = new KafkaConnection({
      brokers: infra.kafkaBrokers,
      clientId: 'topic-recorder',
      topicPrefix: this.topicPrefix,
      logger: testLogger('topic-recorder'),
    });
    await this.connection.connect();
    await this.connection.ensureTopics([this.topic]);
    const consumer = this.connection.consumer<T>({
      groupId: uniquePrefix('recorder'),
      topics: [this.topic],
      // It never rejects nor fails: a consumer needs a dead-letter topic all the same.
      deadLetter: rejectedMessagesTopic('topic-recorder'),
      fromBeginning: true,
      handle: async (messages) => {
        this.messages.push(...messages);
      },
    });
    await consumer.start();
    await consumer.whenJoined();
    return this;
  }

  /** Values parsed as JSON (null for tombstones). */
  json<V = unknown>(): { key: string | null; value: V | null; headers: Record<string, string> }[] {
    return this.messages.map((m) => ({
      key: m.key,
      value: m.value === null ? null : (JSON.parse(String(m.value)) as V),
      headers: m.headers,
    }));
  }

  async stop(): Promise<void> {
    await this.connection?.disconnect();
  }
}
