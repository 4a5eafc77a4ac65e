import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { DecodeResult, TopicSpec } from '@hookstream/contracts';
import { inTrace, isTracing, type Span, type TraceContext } from '@hookstream/tracing';
import type { KafkaConnection } from './kafka-connection';
import { deadLetterMessage } from './dead-letter';
import { Clock, systemClock } from './clock';
import { DEFAULT_HANDLING_POLICY, failureReason, isTransient } from './handling-policy';
import { BatchIsolation, HandlerRequests, PartitionBatch } from './batch-isolation';
import { OffsetCommitter } from './offset-committer';
import { PartitionHolds } from './partition-holds';
import { RestartSupervisor } from './restart-supervisor';
import type { ConsumerLag } from './consumer-lag';
import { MAX_REQUEST_BYTES } from './message-publisher';
import { failProcessSpan, startProcessSpan } from './kafka-trace';

export interface ConsumedMessage<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  headers: Record<string, string>;
  /** Broker timestamp, ms since epoch. */
  timestamp: number;
  /**
   * While tracing is on: this message's "process" span, for what is done
   * for it (OutgoingMessage.trace, inTrace). A batch of one runs in it.
   */
  trace?: TraceContext;
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
   * Dead-letters `message` with `reason` (and `headers` beside the
   * dead-letter ones): its original key, bytes and headers go to the
   * consumer's dead-letter topic before the batch is committed. For what
   * only the handler can judge (a catalog, an index, a size limit).
   */
  reject(message: ConsumedMessage<unknown>, reason: string, headers?: Record<string, string>): void;
  /**
   * Lets the handler return before its work is durable, so the partition's
   * next batch is fetched meanwhile: the batch's offset is committed once
   * `durable` resolves and every earlier batch of the partition is
   * committable. If it rejects, nothing from this batch on is committed and
   * the consumer starts again from the last commit (at-least-once); a batch
   * whose work fails `maxHandlingAttempts` times is then handled message by
   * message, each waited on, and the one that fails is dead-lettered.
   */
  commitWhen(durable: Promise<void>): void;
}

/** A message as it came, for a decode function to read. */
export interface RawMessage {
  /** The topic's real name, with the deployment prefix. */
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface BatchConsumerOptions<T> {
  /** The group's name; the connection puts its topic prefix in front (KafkaConnection.groupId). */
  groupId: string;
  topics: readonly TopicSpec[];
  /**
   * Decodes and validates every message (e.g. `decodeMessage` with the
   * topic's schema); one that fails goes to the dead-letter topic with its
   * reason and the original bytes, and the partition moves on. Without it,
   * handlers get the raw bytes.
   */
  decode?: (message: RawMessage) => DecodeResult<T>;
  /**
   * Where messages go that fail `decode`, that the handler rejects, or
   * whose handling keeps failing (see handling-policy.ts). Default: the
   * connection's.
   */
  deadLetter?: TopicSpec;
  fromBeginning?: boolean;
  partitionsConsumedConcurrently?: number;
  /**
   * How long the group waits for a member that stopped heartbeating before
   * its partitions go to the others (a crashed process). Default 6 s, the
   * broker's minimum; heartbeats go every second.
   */
  sessionTimeoutMs?: number;
  /** Tries of a failing batch, then of each of its messages alone, before the one that fails is dead-lettered. Default 3. */
  maxHandlingAttempts?: number;
  /** The first retry's wait after a failed try; doubles each time, up to 5 s. Default 100 ms. */
  retryBackoffMs?: number;
  /** Readiness turns red once a partition failed more than this many times at one offset. Default 10. */
  stuckAfterAttempts?: number;
  clock?: Clock;
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
  /** How often the lag of owned partitions is checked against their ends when no batch comes (idle, held or stuck). Default 10 s. */
  lagCheckMs?: number;
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

const RESTART_AFTER_CRASH_MS = 3000;
const DEFAULT_COMMIT_INTERVAL_MS = 200;
const DEFAULT_SESSION_TIMEOUT_MS = 6_000;
const HEARTBEAT_INTERVAL_MS = 1_000;
const DEFAULT_STUCK_AFTER_ATTEMPTS = 10;
const DEFAULT_LAG_CHECK_MS = 10_000;
/** Room for the dead-letter headers beside a message's own bytes. */
const DEAD_LETTER_OVERHEAD_BYTES = 4 * 1024;

/** What one kafkajs consumer owns; a restart replaces all of it (a crash kafkajs restarts itself, the committer). */
interface Session {
  readonly consumer: Consumer;
  committer: OffsetCommitter;
  readonly holds: PartitionHolds;
}

/**
 * eachBatch with manual commits: a batch's offsets are committed only after
 * its handler resolved, so a crash before that re-delivers the batch
 * (at-least-once). Malformed messages never block the partition, nor do
 * messages whose handling keeps failing (see handling-policy.ts): they are
 * dead-lettered with their reason. Its parts: BatchIsolation (that rule),
 * OffsetCommitter (commit order and pacing), PartitionHolds (holdFrom),
 * RestartSupervisor (readiness of a partition stuck at one offset).
 */
export class BatchConsumer<T> {
  private session: Session | undefined;
  private readonly supervisor: RestartSupervisor;
  private readonly isolation: BatchIsolation;
  private readonly clock: Clock;
  private readonly deadLetter: TopicSpec;
  /** The group id at the broker: the connection's prefix and the options' name. */
  readonly groupId: string;
  private joined: Promise<void>;
  private markJoined!: () => void;
  private joinedOnce = false;
  private assigned = new Map<string, number[]>();
  private crashed: Error | undefined;
  private stopped = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly lag: ConsumerLag | undefined;
  private lagTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly connection: KafkaConnection,
    private readonly options: BatchConsumerOptions<T>,
  ) {
    this.joined = new Promise((resolve) => (this.markJoined = resolve));
    this.groupId = connection.groupId(options.groupId);
    const deadLetter = options.deadLetter ?? connection.deadLetter;
    if (!deadLetter) throw new Error(`consumer ${this.groupId}: no dead-letter topic, neither its own nor its connection's`);
    this.deadLetter = deadLetter;
    this.clock = options.clock ?? systemClock;
    this.lag = connection.consumerLag(this.groupId);
    const policy = {
      ...DEFAULT_HANDLING_POLICY,
      ...(options.maxHandlingAttempts !== undefined && { maxHandlingAttempts: options.maxHandlingAttempts }),
      ...(options.retryBackoffMs !== undefined && { backoffMs: options.retryBackoffMs }),
    };
    this.supervisor = new RestartSupervisor(options.stuckAfterAttempts ?? DEFAULT_STUCK_AFTER_ATTEMPTS, this.clock);
    this.isolation = new BatchIsolation(policy, this.supervisor, this.clock, connection.logger.child({ groupId: this.groupId }));
  }

  async start(): Promise<void> {
    const consumer = this.connection.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      rebalanceTimeout: 30_000,
      maxBytesPerPartition: this.options.maxBytesPerPartition ?? 1_048_576,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 100,
      minBytes: this.options.minBytes ?? 1,
      allowAutoTopicCreation: false,
      retry: { retries: 10, restartOnFailure: async () => true },
    });
    const session = this.newSession(consumer);
    this.session = session;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.assigned = new Map(Object.entries(event.payload.memberAssignment));
      const owns = (topic: string, partition: number) => this.assigned.get(topic)?.includes(partition) ?? false;
      session.holds.releaseNotIn(owns);
      session.committer.dropNotIn(owns);
      this.supervisor.keepOnly(owns);
      this.lag?.assigned(this.assigned);
      this.crashed = undefined;
      this.connection.countRebalance(this.groupId);
      this.joinedOnce = true;
      this.markJoined();
    });
    consumer.on(consumer.events.CRASH, (event) => {
      // A restart builds a new consumer group with nothing paused and reads from the committed offsets: old holds and pending commits are void.
      session.holds.clear();
      session.committer.close();
      // kafkajs restarts this same consumer (restart: true): its batches need a committer again.
      session.committer = this.newCommitter(() => session);
      this.crashed = event.payload.restart ? undefined : event.payload.error;
      this.connection.logger.error({ err: event.payload.error, groupId: this.groupId }, 'consumer crashed');
      // kafkajs gives up on errors it deems fatal (a broker gone too long):
      // start afresh, so the service heals when Kafka is back.
      if (!event.payload.restart && this.session === session) this.scheduleRestart(session);
    });
    await consumer.connect();
    // Subscribing reads topic metadata, which a young broker may not have settled yet.
    await this.connection.withRetries('subscribing', () =>
      consumer.subscribe({
        topics: this.options.topics.map((t) => this.connection.topic(t)),
        fromBeginning: this.options.fromBeginning ?? false,
      }),
    );
    await this.connection.ensureTopics([this.deadLetter]);
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.consumeBatch(session, payload),
    });
    this.watchLag();
  }

  /** Resolves once the group has assigned this member its partitions. */
  whenJoined(): Promise<void> {
    return this.joined;
  }

  /** Whether the group has assigned this member its partitions yet. */
  get hasJoined(): boolean {
    return this.joinedOnce;
  }

  /** Partitions of each topic this member owns now. */
  assignment(): ReadonlyMap<string, number[]> {
    return this.assigned;
  }

  /** Not ready: crashed for good, or a partition stuck at one offset (which one, and how often it failed). */
  healthError(): Error | undefined {
    return this.crashed ?? this.supervisor.stuckError();
  }

  /** Stops fetching, waits at most `drainMs` for batches whose work is still becoming durable, commits, and leaves. */
  async stop(drainMs = 10_000): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.restartTimer);
    this.clock.clearTimeout(this.lagTimer);
    const session = this.session;
    this.session = undefined;
    if (!session) return;
    session.holds.clear();
    if (session.committer.hasWorkInFlight()) {
      try {
        session.consumer.pause(this.options.topics.map((t) => ({ topic: this.connection.topic(t) })));
      } catch {
        /* not running: nothing to pause */
      }
      await session.committer.drain(drainMs);
    }
    await session.committer.flush().catch((err: unknown) => this.connection.logger.warn({ err, groupId: this.groupId }, 'could not commit the last offsets; they will be read again'));
    session.committer.close();
    // Leaves the group (LeaveGroup): the others take its partitions over at once, not after a session timeout.
    await session.consumer.disconnect();
    this.lag?.clear();
  }

  private newSession(consumer: Consumer): Session {
    const holds = new PartitionHolds(
      {
        pause: (topic, partition) => consumer.pause([{ topic, partitions: [partition] }]),
        resume: (topic, partition) => resumeQuietly(consumer, topic, partition),
      },
      this.clock,
    );
    const session: Session = { consumer, holds, committer: this.newCommitter(() => session) };
    return session;
  }

  private newCommitter(sessionOf: () => Session): OffsetCommitter {
    const log = this.connection.logger;
    const groupId = this.groupId;
    return new OffsetCommitter(
      {
        commit: (commits) => sessionOf().consumer.commitOffsets(commits),
        durable: (batch) => this.supervisor.movedTo(batch.topic, batch.partition, batch.next),
        notDurable: (batch, err) => {
          // Later batches must not commit past this one: start again from the last commit.
          const session = sessionOf();
          if (this.session !== session || this.stopped) return;
          const transient = isTransient(err);
          this.supervisor.failed(batch.topic, batch.partition, batch.first, (BigInt(batch.next) - 1n).toString(), transient);
          log.error({ err, groupId, topic: batch.topic, partition: batch.partition, offset: batch.first, transient }, 'the work of a batch did not become durable; consuming again from the last commit');
          session.holds.clear();
          this.scheduleRestart(session, 0);
        },
        commitFailed: (err) => log.warn({ err, groupId }, 'commit failed; the offsets will be read again'),
      },
      this.options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS,
      this.clock,
    );
  }

  private scheduleRestart(failed: Session, afterMs = RESTART_AFTER_CRASH_MS): void {
    this.clock.clearTimeout(this.restartTimer);
    this.restartTimer = this.clock.setTimeout(() => {
      void (async () => {
        if (this.stopped || this.session !== failed) return;
        this.session = undefined;
        failed.committer.close();
        await failed.consumer.disconnect().catch(() => undefined);
        try {
          await this.start();
        } catch (err) {
          this.crashed = err as Error;
          this.connection.logger.error({ err, groupId: this.groupId }, 'consumer restart failed; trying again');
          if (this.session) this.scheduleRestart(this.session);
        }
      })();
    }, afterMs);
  }

  /** Batches report lag as they come; between them, the partitions' ends and the group's commits are looked at now and then. */
  private watchLag(): void {
    const lag = this.lag;
    if (!lag) return;
    this.clock.clearTimeout(this.lagTimer);
    this.lagTimer = this.clock.setTimeout(() => {
      void this.lookAtLag(lag).finally(() => {
        if (!this.stopped) this.watchLag();
      });
    }, this.options.lagCheckMs ?? DEFAULT_LAG_CHECK_MS);
  }

  private async lookAtLag(lag: ConsumerLag): Promise<void> {
    const topics = lag.topics();
    if (topics.length === 0) return;
    try {
      const [ends, commits] = await Promise.all([this.connection.partitionEnds(topics), this.connection.committedOffsets(this.groupId, topics)]);
      for (const c of commits) lag.committed(c.topic, c.partition, c.offset);
      for (const e of ends) lag.ended(e.topic, e.partition, e.high);
    } catch (err) {
      // Kafka not answering: the gauge keeps its last value, and readiness says the rest.
      this.connection.logger.debug({ err, groupId: this.groupId }, 'could not look at consumer lag');
    }
  }

  private async consumeBatch(session: Session, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || payload.isStale()) return;
    const stopHeartbeats = this.keepAlive(payload);
    try {
      await this.consumeInHand(session, payload);
    } catch (err) {
      // kafkajs restarts the consumer from the last commit (a commit refused, a rebalance): a restart at this offset, for the supervisor.
      this.supervisor.failed(batch.topic, batch.partition, batch.firstOffset() ?? batch.messages[0].offset, batch.lastOffset(), true);
      throw err;
    } finally {
      stopHeartbeats();
    }
  }

  private async consumeInHand(session: Session, payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const raw = new Map(batch.messages.map((m) => [m.offset, m]));
    const { valid, rejected } = this.decode(batch.topic, batch.partition, batch.messages);
    const spans = isTracing() ? this.startSpans(valid) : undefined;
    try {
      await this.handleInHand(session, payload, raw, valid, rejected, spans);
    } finally {
      if (spans) for (const span of spans.values()) span.end();
    }
  }

  private async handleInHand(
    session: Session,
    payload: EachBatchPayload,
    raw: Map<string, KafkaMessage>,
    valid: ConsumedMessage<T>[],
    rejected: ReturnType<typeof deadLetterMessage>[],
    spans: Map<string, Span> | undefined,
  ): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const first = batch.firstOffset() ?? batch.messages[0].offset;
    const last = batch.lastOffset();
    const reachesEnd = batch.offsetLag() === '0';
    const lastValid = valid[valid.length - 1]?.offset;
    const inHand: PartitionBatch<ConsumedMessage<T>> = {
      topic,
      partition,
      first,
      last,
      messages: valid,
      // A batch of one is that message's work, in its span; a bigger batch's shared work (one transaction for many) belongs to no one trace.
      handle: (messages, requests) =>
        inTrace(messages.length === 1 ? messages[0].trace : undefined, () =>
          this.options.handle(messages, this.scope(payload, requests, reachesEnd && messages[messages.length - 1]?.offset === lastValid)),
        ),
      deadLetter: async (message, err) => {
        failProcessSpan(spans?.get(message.offset), failureReason(err));
        await this.connection.publisher.publishEncoded(this.deadLetter, [this.deadLetterOf(topic, partition, raw.get(message.offset), message, failureReason(err))]);
        this.connection.countDeadLetters(topic, 'handling_failed');
      },
      earlierDurable: () => session.committer.durableSoFar(topic, partition),
      isCurrent: () => this.session === session && !this.stopped && payload.isRunning() && !payload.isStale(),
      heartbeat: payload.heartbeat,
    };
    if (rejected.length > 0) {
      if (!(await this.isolation.untilDone(inHand, first, last, 'publishing dead letters', () => this.connection.publisher.publishEncoded(this.deadLetter, rejected)))) return;
      this.connection.countDeadLetters(topic, 'undecodable', rejected.length);
    }

    const handled = await this.isolation.handle(inHand);
    if (handled.kind === 'abandoned' || this.session !== session) return;
    const { hold, durable, rejected: byHandler = [] } = handled.requests;
    if (byHandler.length > 0) {
      for (const { message, reason } of byHandler) failProcessSpan(spans?.get(message.offset), reason);
      const letters = byHandler.map(({ message, reason, headers }) => this.deadLetterOf(topic, partition, raw.get(message.offset), message, reason, headers));
      if (!(await this.isolation.untilDone(inHand, first, last, 'publishing rejected messages', () => this.connection.publisher.publishEncoded(this.deadLetter, letters)))) return;
      this.connection.countDeadLetters(topic, 'rejected', letters.length);
    }
    const next = hold ? hold.offset : handled.next;
    this.lag?.handled(topic, partition, next, batch.highWatermark);
    if (BigInt(next) > BigInt(first)) payload.resolveOffset((BigInt(next) - 1n).toString());
    if (hold) session.holds.hold(topic, partition, hold.untilMs);
    await session.committer.finished({ topic, partition, first, next }, durable);
  }

  /** Each message's "process" span, by offset: ended when its batch is handled. */
  private startSpans(messages: ConsumedMessage<T>[]): Map<string, Span> {
    const spans = new Map<string, Span>();
    for (const message of messages) {
      const { span, trace } = startProcessSpan(message, this.groupId);
      message.trace = trace;
      spans.set(message.offset, span);
    }
    return spans;
  }

  /**
   * kafkajs heartbeats only between batches and when a handler asks: a
   * batch that takes longer than the session timeout (a slow database, a
   * retry) would cost the member its partitions. Heartbeats go on meanwhile
   * (kafkajs sends at most one per interval); a rebalance they meet is left
   * to kafkajs' own next heartbeat.
   */
  private keepAlive(payload: EachBatchPayload): () => void {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const beat = () => {
      timer = this.clock.setTimeout(() => {
        if (stopped) return;
        payload.heartbeat().catch(() => undefined);
        beat();
      }, HEARTBEAT_INTERVAL_MS);
    };
    beat();
    return () => {
      stopped = true;
      this.clock.clearTimeout(timer);
    };
  }

  /** The original bytes with the reason; beyond one request's size the original stays where it is, and the offset says where. */
  private deadLetterOf(topic: string, partition: number, raw: KafkaMessage | undefined, message: { offset: string; headers: Record<string, string> }, reason: string, headers?: Record<string, string>) {
    const size = (raw?.value?.length ?? 0) + (raw?.key?.length ?? 0);
    const original = { topic, partition, offset: message.offset, key: raw?.key ?? null, value: raw?.value ?? null, headers: message.headers };
    const letter =
      size + DEAD_LETTER_OVERHEAD_BYTES <= MAX_REQUEST_BYTES
        ? deadLetterMessage(original, reason)
        : deadLetterMessage({ ...original, value: null }, `${reason} (original of ${size} bytes not copied: read it at the offset given)`);
    return headers ? { ...letter, headers: { ...letter.headers, ...headers } } : letter;
  }

  private scope(payload: EachBatchPayload, requests: HandlerRequests, reachesEnd: boolean): BatchScope {
    return {
      topic: payload.batch.topic,
      partition: payload.batch.partition,
      heartbeat: payload.heartbeat,
      isRunning: payload.isRunning,
      reachesEnd,
      holdFrom: (offset, untilMs) => {
        if (!requests.hold || BigInt(offset) < BigInt(requests.hold.offset)) requests.hold = { offset, untilMs };
      },
      commitWhen: (promise) => {
        requests.durable = promise;
      },
      reject: (message, reason, headers) => {
        (requests.rejected ??= []).push({ message, reason, headers });
      },
    };
  }

  private decode(topic: string, partition: number, messages: KafkaMessage[]) {
    const valid: ConsumedMessage<T>[] = [];
    const rejected: ReturnType<typeof deadLetterMessage>[] = [];
    const decode = this.options.decode;
    for (const m of messages) {
      const headers = stringHeaders(m.headers);
      const base = { topic, partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, headers, timestamp: Number(m.timestamp) };
      if (!decode) {
        valid.push({ ...base, value: m.value as T });
        continue;
      }
      const decoded = decode({ topic, key: base.key, value: m.value, headers });
      if (decoded.ok) valid.push({ ...base, value: decoded.value });
      else rejected.push(deadLetterMessage({ topic, partition, offset: m.offset, key: m.key, value: m.value, headers }, decoded.reason));
    }
    return { valid, rejected };
  }
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
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    out.set(name, Array.isArray(value) ? value.map(String).join(',') : value.toString());
  }
  return Object.fromEntries(out);
}
