import type { z } from 'zod';
import { TopicDefinition, TopicSpec } from '@hookstream/contracts';
import { EncodedMessage, encodeMessage, MessagePublisher } from '@hookstream/messaging';

/**
 * Messages one batch (or one finished attempt) must get to Kafka before its
 * input is committed. Each is checked against its topic's schema, keyed and
 * serialised once when added, so a message that cannot be sent throws at
 * `add`, for its own job to handle, instead of failing the publish of every
 * message beside it. All topics go in one request.
 */
export class Outbox {
  private readonly batches = new Map<TopicSpec, EncodedMessage[]>();

  add<S extends z.ZodType>(topic: TopicDefinition<S>, value: NonNullable<z.infer<S>>, headers?: Record<string, string>): void {
    this.addEncoded(topic, encodeMessage(topic, { value, headers }));
  }

  /** A message no schema describes (a dead letter of last resort): JSON-serialisable by construction. */
  addUnchecked(topic: TopicSpec, message: { key: string; value: Record<string, string | number>; headers: Record<string, string> }): void {
    this.addEncoded(topic, { ...message, value: JSON.stringify(message.value) });
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

  /** One request, acks=all: resolved means durable. */
  async publish(publisher: MessagePublisher): Promise<void> {
    if (this.size === 0) return;
    await publisher.publishEncodedMany([...this.batches].map(([topic, messages]) => ({ topic, messages })));
  }

  private addEncoded(topic: TopicSpec, message: EncodedMessage): void {
    const list = this.batches.get(topic);
    if (list) list.push(message);
    else this.batches.set(topic, [message]);
  }
}
