import { decodeMessage, SettledHandoff, Topics } from '@hookstream/contracts';
import type { BatchConsumer, BatchScope, ConsumedMessage, ConsumerHost, KafkaConnection } from '@hookstream/messaging';
import { Clock, systemClock } from './clock';
import { HandoffLedger } from './handoff-ledger';

/** Longest the delay tiers wait for this reader before judging safety copies without it. */
const CATCH_UP_LIMIT_MS = 15_000;

/**
 * Reads every settled handoff into this instance's ledger, from the start of
 * the topic: each instance needs all of them (the copy may be in any tier
 * partition it owns, after any rebalance), so the group is this process's
 * own (the host deletes it when it stops). The ledger is caught up once the offsets
 * the topic had at start are read.
 */
export class SettledHandoffsReader {
  readonly consumer: BatchConsumer<SettledHandoff>;
  private readonly pending = new Map<number, bigint>();
  private catchUpLimit: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    host: ConsumerHost,
    private readonly ledger: HandoffLedger,
    groupId: string,
    sessionTimeoutMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.consumer = host.add<SettledHandoff>({
      groupId: `${groupId}.handoffs`,
      perInstance: true,
      topics: [Topics.deliveryHandoffs],
      decode: (m) => decodeMessage(Topics.deliveryHandoffs, m.value),
      fromBeginning: true,
      sessionTimeoutMs,
      beforeStart: () => this.findEnds(),
      handle: async (messages, scope) => this.read(messages, scope),
    });
  }

  /** The offsets the topic has at start: the ledger is caught up once they are read. */
  private async findEnds(): Promise<void> {
    const ends = await this.connection.latestOffsets(Topics.deliveryHandoffs);
    for (const [partition, end] of ends) if (BigInt(end) > 0n) this.pending.set(partition, BigInt(end));
    if (this.pending.size === 0) this.ledger.markCaughtUp();
    // Records past retention leave nothing to read up to; copies are not held longer than this for the reader.
    this.catchUpLimit = setTimeout(() => this.ledger.markCaughtUp(), CATCH_UP_LIMIT_MS);
    this.catchUpLimit.unref();
  }

  stop(): void {
    clearTimeout(this.catchUpLimit);
  }

  private read(messages: ConsumedMessage<SettledHandoff>[], scope: BatchScope): void {
    const oldestRelevantMs = this.clock.now() - this.ledger.retention;
    for (const { value, timestamp } of messages) {
      if (timestamp >= oldestRelevantMs) this.ledger.settled(HandoffLedger.key(value.invocation_id, value.attempt));
    }
    const last = messages.at(-1);
    const end = this.pending.get(scope.partition);
    if (end !== undefined && (scope.reachesEnd || (last && BigInt(last.offset) + 1n >= end))) this.pending.delete(scope.partition);
    if (this.pending.size === 0) this.ledger.markCaughtUp();
  }
}
