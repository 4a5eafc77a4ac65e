import { decodeMessage, DelayTiers, DelayTierSpec, DeliveryJob } from '@hookstream/contracts';
import { decideTierMessage } from '@hookstream/delivery-domain';
import type { BatchConsumer, BatchScope, ConsumedMessage, ConsumerHost, KafkaConnection } from '@hookstream/messaging';
import { inTrace, type TraceContext } from '@hookstream/tracing';
import { DeliveryDispatcher } from './delivery-dispatcher';
import { TierHeaders } from './delivery-settings';
import { addForJob, enqueueDelayed, TierReason } from './follow-ups';
import { HandoffLedger } from './handoff-ledger';
import type { LaneOptions } from './job.consumer';
import { Outbox } from './outbox';

/** How long a due safety copy waits for its attempt, still running here, to settle (or for the ledger to catch up). */
const IN_FLIGHT_RECHECK_MS = 500;

/**
 * The delay tiers. Each partition is read in order and each message is
 * released when its tier's delay since it was enqueued is over (or at its
 * own due time, if earlier): the first message not yet released pauses the
 * partition until then (BatchConsumer.holdFrom), so nothing sleeps and
 * nothing is attempted early. Released messages are attempted if due, moved
 * to the next tier if not. Holds are derived from the messages alone, so a
 * restart or a rebalance simply re-reads and re-holds.
 */
export class RetryTierConsumer {
  readonly consumer: BatchConsumer<DeliveryJob>;
  private readonly tiersByTopic: Map<string, DelayTierSpec>;

  constructor(
    connection: KafkaConnection,
    host: ConsumerHost,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly ledger: HandoffLedger,
    options: LaneOptions,
    private readonly onSettledCopyDropped: () => void = () => undefined,
  ) {
    this.tiersByTopic = new Map(DelayTiers.map((tier) => [connection.topic(tier), tier]));
    this.consumer = host.add<DeliveryJob>({
      groupId: options.groupId,
      topics: DelayTiers,
      decode: (m) => {
        const tier = this.tiersByTopic.get(m.topic);
        return tier ? decodeMessage(tier, m.value) : { ok: false, reason: `not a delay tier: ${m.topic}` };
      },
      fromBeginning: true,
      partitionsConsumedConcurrently: options.partitionsConcurrency,
      sessionTimeoutMs: options.sessionTimeoutMs,
      maxBytesPerPartition: options.fetchBytesPerPartition,
      handle: (messages, scope) => this.handle(messages, scope),
    });
  }

  private async handle(messages: ConsumedMessage<DeliveryJob>[], scope: BatchScope): Promise<void> {
    const tier = this.tiersByTopic.get(scope.topic);
    if (!tier) throw new Error(`not a delay tier: ${scope.topic}`);
    const nowMs = Date.now();
    const outbox = new Outbox();
    const due: DeliveryJob[] = [];
    const traces = new Map<DeliveryJob, TraceContext>();
    for (const message of messages) {
      const job = message.value;
      const dueAtMs = job.due_at ? Date.parse(job.due_at) : message.timestamp;
      const decision = decideTierMessage(tier, { enqueuedAtMs: message.timestamp, dueAtMs }, nowMs);
      if (decision.kind === 'hold') {
        scope.holdFrom(message.offset, decision.untilMs);
        break;
      }
      const handoff = message.headers[TierHeaders.handoff];
      if (decision.kind === 'reroute') {
        const reason = (message.headers[TierHeaders.reason] as TierReason | undefined) ?? 'retry';
        inTrace(message.trace, () => addForJob(outbox, job, nowMs, (staged) => enqueueDelayed(staged, job, nowMs, reason, handoff ? { [TierHeaders.handoff]: handoff } : {})));
        continue;
      }
      if (handoff) {
        const state = this.ledger.state(handoff);
        if (state === 'settled') {
          this.onSettledCopyDropped();
          continue;
        }
        // Running here, or maybe settled elsewhere before a restart and not read yet: ask again shortly.
        if (state === 'in_flight' || (state === undefined && !this.ledger.caughtUp)) {
          scope.holdFrom(message.offset, nowMs + IN_FLIGHT_RECHECK_MS);
          break;
        }
      }
      due.push(job);
      if (message.trace) traces.set(job, message.trace);
    }
    // The tiers' holds are judged batch by batch: this one is committed (and its holds set) only once durable.
    const { durable } = await this.dispatcher.dispatch(due, outbox, traces);
    await durable;
  }
}
