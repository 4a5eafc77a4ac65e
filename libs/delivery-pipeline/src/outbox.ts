import { z } from 'zod';
import { describeIssues, MessageContract, MessageOf, TopicSpec } from '@hookstream/contracts';
import { InvalidOutgoingMessageError, MessagePublisher, OutgoingMessage } from '@hookstream/messaging';

/**
 * Messages one batch (or one finished attempt) must get to Kafka before its
 * input is committed. Each is checked against its contract and serialised
 * once when added, so a message that cannot be sent throws at `add`, for its
 * own job to handle, instead of failing the publish of every message beside
 * it. Checked once: they are published under a contract that accepts them as
 * they are, all topics in one request.
 */
export class Outbox {
  private readonly batches = new Map<TopicSpec, OutgoingMessage<unknown>[]>();

  add<C extends MessageContract>(contract: C, message: OutgoingMessage<MessageOf<C>>): void {
    if (message.value !== null) {
      const check = contract.schema.safeParse(message.value);
      if (!check.success) throw new InvalidOutgoingMessageError(`${contract.topic.name}: ${describeIssues(check.error)}`);
      // Throws on a value nested deeper than the stack: that too is this message's own failure.
      JSON.stringify(message.value);
    }
    this.addChecked(contract.topic, message);
  }

  /** A message no contract describes (a dead letter of last resort): JSON-serialisable by construction. */
  addUnchecked(topic: TopicSpec, message: OutgoingMessage<Record<string, string | number>>): void {
    this.addChecked(topic, message);
  }

  /** Takes over everything `other` holds, in order. */
  absorb(other: Outbox): void {
    for (const [topic, messages] of other.batches) for (const message of messages) this.addChecked(topic, message);
  }

  get size(): number {
    let n = 0;
    for (const list of this.batches.values()) n += list.length;
    return n;
  }

  /** One request, acks=all: resolved means durable. */
  async publish(publisher: MessagePublisher): Promise<void> {
    if (this.size === 0) return;
    await publisher.publishMany([...this.batches].map(([topic, messages]) => ({ contract: alreadyChecked(topic), messages })));
  }

  private addChecked(topic: TopicSpec, message: OutgoingMessage<unknown>): void {
    const list = this.batches.get(topic);
    if (list) list.push(message);
    else this.batches.set(topic, [message]);
  }
}

const checkedContracts = new Map<TopicSpec, MessageContract>();

function alreadyChecked(topic: TopicSpec): MessageContract {
  let contract = checkedContracts.get(topic);
  if (!contract) checkedContracts.set(topic, (contract = { topic, schema: z.unknown() }));
  return contract;
}
