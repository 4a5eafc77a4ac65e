import type { MessageContract, MessageOf } from '@hookstream/contracts';
import type { MessagePublisher, OutgoingMessage } from '@hookstream/messaging';

/** Messages one batch (or one finished attempt) must get to Kafka before its input is committed. */
export class Outbox {
  private readonly batches = new Map<MessageContract, OutgoingMessage<unknown>[]>();

  add<C extends MessageContract>(contract: C, message: OutgoingMessage<MessageOf<C>>): void {
    const list = this.batches.get(contract) ?? [];
    list.push(message);
    this.batches.set(contract, list);
  }

  get size(): number {
    let n = 0;
    for (const list of this.batches.values()) n += list.length;
    return n;
  }

  /** One request, acks=all: resolved means durable. */
  async publish(publisher: MessagePublisher): Promise<void> {
    if (this.size === 0) return;
    await publisher.publishMany([...this.batches].map(([contract, messages]) => ({ contract, messages })));
  }
}
