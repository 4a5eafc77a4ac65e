import { describeIssues, MessageContract, MessageOf, TopicSpec } from '@hookstream/contracts';
import { EncodedMessage, InvalidOutgoingMessageError, MessagePublisher, OutgoingMessage } from '@hookstream/messaging';

/**
 * Messages one batch (or one finished attempt) must get to Kafka before its
 * input is committed. Each is checked against its contract and serialised
 * when added, so a message that cannot be sent throws at `add`, for its own
 * job to handle, instead of failing the publish of every message beside it.
 */
export class Outbox {
  private readonly batches = new Map<TopicSpec, EncodedMessage[]>();

  add<C extends MessageContract>(contract: C, message: OutgoingMessage<MessageOf<C>>): void {
    this.addEncoded(contract.topic, encode(contract, message));
  }

  /** Bytes no contract describes (a dead letter of last resort). */
  addEncoded(topic: TopicSpec, message: EncodedMessage): void {
    const list = this.batches.get(topic);
    if (list) list.push(message);
    else this.batches.set(topic, [message]);
  }

  /** Takes over everything `other` holds, in order. */
  absorb(other: Outbox): void {
    for (const [topic, messages] of other.batches) for (const message of messages) this.addEncoded(topic, message);
  }

  get size(): number {
    let n = 0;
    for (const list of this.batches.values()) n += list.length;
    return n;
  }

  /** acks=all: resolved means durable. Publishes made together share the publisher's next request. */
  async publish(publisher: MessagePublisher): Promise<void> {
    if (this.size === 0) return;
    await Promise.all([...this.batches].map(([topic, messages]) => publisher.publishEncoded(topic, messages)));
  }
}

function encode(contract: MessageContract, message: OutgoingMessage<unknown>): EncodedMessage {
  if (message.value === null) return { key: message.key, value: null, headers: message.headers };
  const check = contract.schema.safeParse(message.value);
  if (!check.success) throw new InvalidOutgoingMessageError(`${contract.topic.name}: ${describeIssues(check.error)}`);
  // JSON.stringify throws on a value nested deeper than the stack: that too is this message's own failure.
  return { key: message.key, value: JSON.stringify(message.value), headers: message.headers };
}
