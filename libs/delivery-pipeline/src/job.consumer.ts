import { Contracts, DeliveryJob, Topics } from '@hookstream/contracts';
import type { BatchConsumer, ConsumedMessage, KafkaConnection } from '@hookstream/messaging';
import { BatchDelivery } from './batch-delivery';
import { enqueueDelayed } from './follow-ups';
import { Outbox } from './outbox';

export interface LaneOptions {
  groupId: string;
  partitionsConcurrency: number;
  sessionTimeoutMs: number;
  fetchBytesPerPartition: number;
}

/**
 * The jobs topic: every due job is attempted at once (see BatchDelivery); a
 * job scheduled for later goes to the delay tiers instead of waiting here.
 */
export class JobConsumer {
  readonly consumer: BatchConsumer<DeliveryJob>;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly delivery: BatchDelivery,
    options: LaneOptions,
  ) {
    this.consumer = connection.consumer<DeliveryJob>({
      groupId: options.groupId,
      topics: [Topics.deliveryJobs],
      contract: Contracts.deliveryJobs,
      deadLetter: Topics.deliveryRejected,
      fromBeginning: true,
      partitionsConsumedConcurrently: options.partitionsConcurrency,
      sessionTimeoutMs: options.sessionTimeoutMs,
      maxBytesPerPartition: options.fetchBytesPerPartition,
      handle: (messages) => this.handle(messages),
    });
  }

  private async handle(messages: ConsumedMessage<DeliveryJob>[]): Promise<void> {
    const nowMs = Date.now();
    const outbox = new Outbox();
    const due: DeliveryJob[] = [];
    for (const { value: job } of messages) {
      if (job.due_at && Date.parse(job.due_at) > nowMs) enqueueDelayed(outbox, job, nowMs, 'scheduled');
      else due.push(job);
    }
    await this.delivery.deliver(due, outbox);
    await outbox.publish(this.connection.publisher);
  }
}
