import { CompressionTypes, Producer } from 'kafkajs';
import { describeIssues, MessageContract, MessageOf, TopicSpec } from '@hookstream/contracts';

export interface OutgoingMessage<T> {
  key: string;
  /** null publishes a tombstone (compacted topics). */
  value: T | null;
  headers?: Record<string, string>;
}

export class InvalidOutgoingMessageError extends Error {
  override readonly name = 'InvalidOutgoingMessageError';
}

/**
 * Publishes validated messages with acks=all: a resolved publish means the
 * broker has them durably, which is when a consumer may commit its input.
 */
export class MessagePublisher {
  constructor(
    private readonly producer: Producer,
    private readonly topicName: (spec: TopicSpec) => string,
  ) {}

  async publish<C extends MessageContract>(contract: C, messages: OutgoingMessage<MessageOf<C>>[]): Promise<void> {
    await this.publishEncoded(contract.topic, messages.map((m) => encode(contract, m)));
  }

  /** For bytes that are not ours to validate (dead letters keep the original). */
  async publishEncoded(
    spec: TopicSpec,
    messages: { key: string | Buffer | null; value: string | Buffer | null; headers?: Record<string, string | Buffer> }[],
  ): Promise<void> {
    if (messages.length === 0) return;
    await this.producer.send({ topic: this.topicName(spec), acks: -1, compression: CompressionTypes.None, messages });
  }

  /** Several topics in one request, still acks=all. */
  async publishMany(batches: { contract: MessageContract; messages: OutgoingMessage<unknown>[] }[]): Promise<void> {
    const topicMessages = batches
      .filter((b) => b.messages.length > 0)
      .map((b) => ({
        topic: this.topicName(b.contract.topic),
        messages: b.messages.map((m) => encode(b.contract, m)),
      }));
    if (topicMessages.length === 0) return;
    await this.producer.sendBatch({ topicMessages, acks: -1 });
  }
}

/** Validates against the contract (a bug in the producer if it fails) and serialises. */
function encode(contract: MessageContract, message: OutgoingMessage<unknown>) {
  if (message.value !== null) {
    const check = contract.schema.safeParse(message.value);
    if (!check.success) throw new InvalidOutgoingMessageError(`${contract.topic.name}: ${describeIssues(check.error)}`);
  }
  return { key: message.key, value: message.value === null ? null : JSON.stringify(message.value), headers: message.headers };
}
