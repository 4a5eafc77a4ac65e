import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { decodeMessage, MessageContract, MessageOf, TopicSpec } from '@hookstream/contracts';
import type { KafkaConnection } from './kafka-connection';
import { deadLetterMessage } from './dead-letter';

export interface ConsumedMessage<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  headers: Record<string, string>;
  /** Broker timestamp, ms since epoch. */
  timestamp: number;
}

export interface BatchScope {
  readonly topic: string;
  readonly partition: number;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  /** This batch ends at the partition's high watermark: the reader has caught up. */
  readonly reachesEnd: boolean;
  /**
   * Leaves the messages from `offset` on for later: they stay uncommitted,
   * the partition is paused (not slept on), and it is resumed and re-read
   * from `offset` when `untilMs` (epoch ms) comes.
   */
  holdFrom(offset: string, untilMs: number): void;
  /**
   * Lets the handler return before its work is durable, so the partition's
   * next batch is fetched meanwhile: the batch's offset is committed once
   * `durable` resolves and every earlier batch of the partition is
   * committable. If it rejects, nothing from this batch on is committed and
   * the consumer starts again from the last commit (at-least-once).
   */
  commitWhen(durable: Promise<void>): void;
}

export interface BatchConsumerOptions<T> {
  groupId: string;
  topics: readonly TopicSpec[];
  /**
   * Decodes and validates every message; one that fails goes to the
   * dead-letter topic with its reason and the original bytes, and the
   * partition moves on. Without a contract, handlers get the raw bytes.
   */
  contract?: MessageContract;
  deadLetter?: TopicSpec;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  sessionTimeoutMs?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeMs?: number;
  /**
   * The broker answers a fetch once this many bytes are there (or
   * maxWaitTimeMs passed): a consumer that keeps up trades a few ms of
   * latency for batches big enough that per-batch costs (a produce, a
   * commit, queries) stop dominating. Default 1: answer at once.
   */
  minBytes?: number;
  /**
   * Offsets are committed at most this often (all partitions in one
   * request); a batch finishing sooner leaves its offset for that commit.
   * Each commit is a write at the broker: under a steady trickle, one per
   * batch would cost as much as the work. Stopping commits what is left; a
   * crash re-delivers at most this much more (at-least-once either way).
   */
  commitIntervalMs?: number;
  handle: (messages: ConsumedMessage<T>[], scope: BatchScope) => Promise<void>;
}

/**
 * How long a fetch may wait to fill up (minBytes / maxWaitTimeMs). A stage
 * on the delivery path waits a few ms; a read model, off that path, waits
 * longer for fewer and bigger transactions.
 */
export const FetchPacing = {
  pipelineStage: { minBytes: 32 * 1024, maxWaitTimeMs: 15 },
  readModel: { minBytes: 64 * 1024, maxWaitTimeMs: 50 },
} as const satisfies Record<string, Pick<BatchConsumerOptions<unknown>, 'minBytes' | 'maxWaitTimeMs'>>;

/** A contract-typed consumer: handlers get validated values. */
export type ContractConsumerOptions<C extends MessageContract> = Omit<BatchConsumerOptions<MessageOf<C>>, 'contract'> & { contract: C };

const RESTART_AFTER_CRASH_MS = 3000;
const DEFAULT_COMMIT_INTERVAL_MS = 200;

interface PendingCommit {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * eachBatch with manual commits: a batch's offsets are committed only after
 * its handler resolved, so a crash before that re-delivers the batch
 * (at-least-once). Malformed messages never block the partition.
 */
export class BatchConsumer<T> {
  private consumer: Consumer | undefined;
  /** One pending resume per held topic-partition ("topic|partition"). */
  private readonly holds = new Map<string, NodeJS.Timeout>();
  private joined: Promise<void>;
  private markJoined!: () => void;
  private assigned = new Map<string, number[]>();
  private crashed: Error | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  /** Offsets resolved and not yet committed, by "topic|partition". */
  private readonly pendingCommits = new Map<string, PendingCommit>();
  private commitTimer: NodeJS.Timeout | undefined;
  private lastCommitMs = 0;
  /** Per "topic|partition": the last batch whose work is not yet durable (rejects if it or an earlier one failed). */
  private readonly durableChains = new Map<string, Promise<void>>();
  private committing: Promise<void> | undefined;
  /** A consumer whose batch work failed: it is being replaced, and nothing more of it commits. */
  private failed: Consumer | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: BatchConsumerOptions<T>,
  ) {
    this.joined = new Promise((resolve) => (this.markJoined = resolve));
    if (options.contract && !options.deadLetter) {
      throw new Error(`consumer ${options.groupId}: a contract needs a dead-letter topic for what fails it`);
    }
  }

  async start(): Promise<void> {
    const consumer = this.connection.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 15_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 30_000,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1_048_576,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 100,
      minBytes: this.options.minBytes ?? 1,
      allowAutoTopicCreation: false,
      retry: { retries: 10, restartOnFailure: async () => true },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.assigned = new Map(Object.entries(event.payload.memberAssignment));
      this.releaseHoldsNotIn(consumer, this.assigned);
      // Offsets of partitions this member lost are another member's now.
      for (const [key, commit] of this.pendingCommits) {
        if (!this.assigned.get(commit.topic)?.includes(commit.partition)) this.pendingCommits.delete(key);
      }
      this.crashed = undefined;
      this.markJoined();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      // A restart builds a new consumer group with nothing paused and reads from the committed offsets: old holds and pending commits are void.
      this.clearHolds();
      this.pendingCommits.clear();
      this.durableChains.clear();
      this.crashed = event.payload.restart ? undefined : event.payload.error;
      this.connection.logger.error({ err: event.payload.error, groupId: this.options.groupId }, 'consumer crashed');
      // kafkajs gives up on errors it deems fatal (a broker gone too long):
      // start afresh, so the service heals when Kafka is back.
      if (!event.payload.restart && this.consumer === consumer) this.scheduleRestart(consumer);
    });
    await consumer.connect();
    // Subscribing reads topic metadata, which a young broker may not have settled yet.
    await this.connection.withRetries('subscribing', () =>
      consumer.subscribe({
        topics: this.options.topics.map((t) => this.connection.topic(t)),
        fromBeginning: this.options.fromBeginning ?? false,
      }),
    );
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consumeBatch(payload),
    });
  }

  /** Resolves once the group has assigned this member its partitions. */
  whenJoined(): Promise<void> {
    return this.joined;
  }

  /** Partitions of each topic this member owns now. */
  assignment(): ReadonlyMap<string, number[]> {
    return this.assigned;
  }

  /** A consumer that crashed for good is not ready. */
  healthError(): Error | undefined {
    return this.crashed;
  }

  /** Stops fetching, waits at most `drainMs` for batches whose work is still becoming durable, commits, and leaves. */
  async stop(drainMs = 10_000): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.clearHolds();
    clearTimeout(this.commitTimer);
    if (this.consumer && this.durableChains.size > 0) {
      try {
        this.consumer.pause(this.options.topics.map((t) => ({ topic: this.connection.topic(t) })));
      } catch {
        /* not running: nothing to pause */
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...this.durableChains.values()]), new Promise((resolve) => (timer = setTimeout(resolve, drainMs)))]);
      clearTimeout(timer);
      clearTimeout(this.commitTimer);
    }
    await this.committing?.catch(() => undefined);
    if (this.consumer && this.pendingCommits.size > 0) {
      await this.commitPending(this.consumer).catch((err: unknown) =>
        this.connection.logger.warn({ err, groupId: this.options.groupId }, 'could not commit the last offsets; they will be read again'),
      );
    }
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private scheduleRestart(crashed: Consumer, afterMs = RESTART_AFTER_CRASH_MS): void {
    this.restartTimer = setTimeout(() => {
      void (async () => {
        if (this.stopped || this.consumer !== crashed) return;
        this.consumer = undefined;
        await crashed.disconnect().catch(() => undefined);
        try {
          await this.start();
        } catch (err) {
          this.crashed = err as Error;
          this.connection.logger.error({ err, groupId: this.options.groupId }, 'consumer restart failed; trying again');
          if (this.consumer) this.scheduleRestart(this.consumer);
        }
      })();
    }, afterMs);
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || payload.isStale()) return;
    const { valid, rejected } = this.decode(batch.topic, batch.partition, batch.messages);
    if (rejected.length > 0 && this.options.deadLetter) {
      await this.connection.publisher.publishEncoded(this.options.deadLetter, rejected);
    }
    let hold: { offset: string; untilMs: number } | undefined;
    let durable: Promise<void> | undefined;
    const scope: BatchScope = {
      topic: batch.topic,
      partition: batch.partition,
      heartbeat: payload.heartbeat,
      isRunning: payload.isRunning,
      reachesEnd: batch.offsetLag() === '0',
      holdFrom: (offset, untilMs) => {
        if (!hold || BigInt(offset) < BigInt(hold.offset)) hold = { offset, untilMs };
      },
      commitWhen: (promise) => {
        durable = promise;
      },
    };
    if (valid.length > 0) await this.options.handle(valid, scope);

    const consumer = this.consumer;
    if (!consumer) return;
    const next = hold ? hold.offset : (BigInt(batch.lastOffset()) + 1n).toString();
    if (BigInt(next) > BigInt(batch.firstOffset() ?? next)) payload.resolveOffset((BigInt(next) - 1n).toString());
    if (hold) this.pauseUntil(consumer, batch.topic, batch.partition, hold.untilMs);
    const key = `${batch.topic}|${batch.partition}`;
    const commit: PendingCommit = { topic: batch.topic, partition: batch.partition, offset: next };
    const earlier = this.durableChains.get(key);
    if (!durable && !earlier) {
      this.pendingCommits.set(key, commit);
      await this.commitSoon(consumer);
      return;
    }
    this.chainCommit(consumer, key, commit, earlier, durable ?? Promise.resolve());
  }

  /** Commits `commit` once its batch's work and every earlier batch's of the partition are durable. */
  private chainCommit(consumer: Consumer, key: string, commit: PendingCommit, earlier: Promise<void> | undefined, durable: Promise<void>): void {
    const link = (earlier ?? Promise.resolve()).then(() => durable);
    this.durableChains.set(key, link);
    link
      .then(
        () => {
          if (this.consumer !== consumer || this.failed === consumer) return;
          this.pendingCommits.set(key, commit);
          this.commitSoon(consumer).catch((err: unknown) => this.connection.logger.warn({ err, groupId: this.options.groupId }, 'commit failed; the offsets will be read again'));
        },
        (err: unknown) => {
          // Later batches must not commit past this one: start again from the last commit, once.
          if (this.consumer !== consumer || this.failed === consumer || this.stopped) return;
          this.failed = consumer;
          this.connection.logger.error({ err, groupId: this.options.groupId, topic: commit.topic, partition: commit.partition }, 'the work of a batch did not become durable; consuming again from the last commit');
          this.pendingCommits.clear();
          this.clearHolds();
          this.scheduleRestart(consumer, 0);
        },
      )
      .finally(() => {
        if (this.durableChains.get(key) === link) this.durableChains.delete(key);
      });
  }

  /** Commits now if the last commit is old enough, else once it is (one timer, all partitions). */
  private async commitSoon(consumer: Consumer): Promise<void> {
    const interval = this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS;
    const wait = this.lastCommitMs + interval - Date.now();
    if (wait <= 0) {
      clearTimeout(this.commitTimer);
      this.commitTimer = undefined;
      await this.commitPending(consumer);
      return;
    }
    this.commitTimer ??= setTimeout(() => {
      this.commitTimer = undefined;
      if (this.consumer !== consumer || this.stopped) return;
      // A failure here (a rebalance under way) leaves the offsets to the next commit or to a re-read.
      this.commitPending(consumer).catch((err: unknown) => this.connection.logger.debug({ err, groupId: this.options.groupId }, 'deferred commit failed'));
    }, wait);
  }

  private async commitPending(consumer: Consumer): Promise<void> {
    if (this.pendingCommits.size === 0) return;
    const commits = [...this.pendingCommits.values()];
    this.pendingCommits.clear();
    this.lastCommitMs = Date.now();
    this.committing = consumer.commitOffsets(commits);
    await this.committing;
  }

  // No seek: the resolved and committed offsets already point at the held
  // message. A seek would outlive a rebalance that takes the partition away
  // (kafkajs keeps pending seeks per partition) and rewind it, should it come
  // back, to an offset another member has since processed past.
  private pauseUntil(consumer: Consumer, topic: string, partition: number, untilMs: number): void {
    const key = `${topic}|${partition}`;
    clearTimeout(this.holds.get(key));
    consumer.pause([{ topic, partitions: [partition] }]);
    const timer = setTimeout(() => {
      this.holds.delete(key);
      // Stopped meanwhile: nothing to resume.
      if (this.consumer === consumer) resumeQuietly(consumer, topic, partition);
    }, Math.max(0, untilMs - Date.now()));
    this.holds.set(key, timer);
  }

  /**
   * kafkajs keeps a partition's pause across rebalances, even while another
   * member owns it. A held partition this member lost is resumed at once, so
   * that if it comes back it is read afresh from its committed offset (where
   * the held message is re-judged) instead of staying paused on a stale timer.
   * Holds on partitions kept stay as they are: the offset is still right.
   */
  private releaseHoldsNotIn(consumer: Consumer, assignment: ReadonlyMap<string, number[]>): void {
    for (const [key, timer] of this.holds) {
      const [topic, partition] = splitKey(key);
      if (assignment.get(topic)?.includes(partition)) continue;
      clearTimeout(timer);
      this.holds.delete(key);
      resumeQuietly(consumer, topic, partition);
    }
  }

  private clearHolds(): void {
    for (const timer of this.holds.values()) clearTimeout(timer);
    this.holds.clear();
  }

  private decode(topic: string, partition: number, messages: KafkaMessage[]) {
    const valid: ConsumedMessage<T>[] = [];
    const rejected: ReturnType<typeof deadLetterMessage>[] = [];
    for (const m of messages) {
      const headers = stringHeaders(m.headers);
      const base = { topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, headers, timestamp: Number(m.timestamp) };
      if (!this.options.contract) {
        valid.push({ ...base, value: m.value as T });
        continue;
      }
      const decoded = decodeMessage(this.options.contract, m.value);
      if (decoded.ok) valid.push({ ...base, value: decoded.value as T });
      else rejected.push(deadLetterMessage({ topic, partition, offset: m.offset, key: m.key, value: m.value, headers }, decoded.reason));
    }
    return { valid, rejected };
  }
}

function splitKey(key: string): [string, number] {
  const at = key.lastIndexOf('|');
  return [key.slice(0, at), Number(key.slice(at + 1))];
}

/** Between a crash and its restart kafkajs has no consumer group and throws. */
function resumeQuietly(consumer: Consumer, topic: string, partition: number): void {
  try {
    consumer.resume([{ topic, partitions: [partition] }]);
  } catch {
    /* nothing is paused in a group that does not exist */
  }
}

function stringHeaders(headers: KafkaMessage['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map(String).join(',') : value.toString();
  }
  return out;
}
