import { decodeMessage, DeliveryJob, Topics } from '@hookstream/contracts';
import { BatchConsumer, BatchScope, ConsumedMessage, ConsumerHost, FetchPacing } from '@hookstream/messaging';
import { inTrace, type TraceContext } from '@hookstream/tracing';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { addForJob, enqueueDelayed } from './follow-ups';
import { Outbox } from './outbox';

export interface LaneOptions {
  groupId: string;
  partitionsConcurrency: number;
  sessionTimeoutMs: number;
  fetchBytesPerPartition: number;
}

/**
 * The jobs topic: every due job is attempted at once (see
 * DeliveryDispatcher) and the next batch is fetched without waiting for the
 * attempts; a batch is committed once what it caused is in Kafka. A job
 * scheduled for later goes to the delay tiers instead of waiting here.
 */
export class JobConsumer {
  readonly consumer: BatchConsumer<DeliveryJob>;

  constructor(
    host: ConsumerHost,
    private readonly dispatcher: DeliveryDispatcher,
    options: LaneOptions,
  ) {
    this.consumer = host.add<DeliveryJob>({
      groupId: options.groupId,
      topics: [Topics.deliveryJobs],
      decode: (m) => decodeMessage(Topics.deliveryJobs, m.value),
      fromBeginning: true,
      partitionsConsumedConcurrently: options.partitionsConcurrency,
      sessionTimeoutMs: options.sessionTimeoutMs,
      maxBytesPerPartition: options.fetchBytesPerPartition,
      // The handler returns before its attempts end: let fetches fill a little rather than read a trickle.
      ...FetchPacing.pipelineStage,
      handle: (messages, scope) => this.handle(messages, scope),
    });
  }

  private async handle(messages: ConsumedMessage<DeliveryJob>[], scope: BatchScope): Promise<void> {
    const nowMs = Date.now();
    const outbox = new Outbox();
    const due: DeliveryJob[] = [];
    const traces = new Map<DeliveryJob, TraceContext>();
    for (const { value: job, trace } of messages) {
      if (job.due_at && Date.parse(job.due_at) > nowMs) inTrace(trace, () => addForJob(outbox, job, nowMs, (staged) => enqueueDelayed(staged, job, nowMs, 'scheduled')));
      else due.push(job);
      if (trace) traces.set(job, trace);
    }
    const { durable } = await this.dispatcher.dispatch(due, outbox, traces);
    scope.commitWhen(durable);
  }
}
