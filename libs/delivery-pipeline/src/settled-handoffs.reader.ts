import { randomBytes } from 'node:crypto';
import { Contracts, SettledHandoff, Topics } from '@hookstream/contracts';
import type { BatchConsumer, BatchScope, ConsumedMessage, KafkaConnection } from '@hookstream/messaging';
import { Clock, systemClock } from './clock';
import { HandoffLedger } from './handoff-ledger';

/** Longest the delay tiers wait for this reader before judging safety copies without it. */
const CATCH_UP_LIMIT_MS = 15_000;

/**
 * Reads every settled handoff into this instance's ledger, from the start of
 * the topic: each instance needs all of them (the copy may be in any tier
 * partition it owns, after any rebalance), so the group is this process's
 * own, and deleted when it stops. The ledger is caught up once the offsets
 * the topic had at start are read.
 */
export class SettledHandoffsReader {
  readonly consumer: BatchConsumer<SettledHandoff>;
  private readonly groupId: string;
  private readonly pending = new Map<number, bigint>();
  private catchUpLimit: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly ledger: HandoffLedger,
    groupId: string,
    sessionTimeoutMs: number,
    private readonly clock: Clock = systemClock,
  ) {
    this.groupId = `${groupId}.handoffs.${randomBytes(6).toString('hex')}`;
    this.consumer = connection.consumer<SettledHandoff>({
      groupId: this.groupId,
      topics: [Topics.deliveryHandoffs],
      contract: Contracts.deliveryHandoffs,
      deadLetter: Topics.deliveryRejected,
      fromBeginning: true,
      sessionTimeoutMs,
      handle: async (messages, scope) => this.read(messages, scope),
    });
  }

  async start(): Promise<void> {
    const ends = await this.connection.latestOffsets(Topics.deliveryHandoffs);
    for (const [partition, end] of ends) if (BigInt(end) > 0n) this.pending.set(partition, BigInt(end));
    if (this.pending.size === 0) this.ledger.markCaughtUp();
    // Records past retention leave nothing to read up to; copies are not held longer than this for the reader.
    this.catchUpLimit = setTimeout(() => this.ledger.markCaughtUp(), CATCH_UP_LIMIT_MS);
    this.catchUpLimit.unref();
    await this.consumer.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.catchUpLimit);
    await this.consumer.stop();
    await this.connection.deleteGroups([this.groupId]).catch(() => undefined);
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
