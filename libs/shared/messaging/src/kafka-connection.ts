import { Admin, ConfigResourceTypes, ConfigSource, ITopicMetadata, Kafka, logLevel, LogEntry, Partitioners, Producer } from 'kafkajs';
import type { Logger } from '@hookstream/logging';
import type { TopicSpec } from '@hookstream/contracts';
import { BatchConsumer, BatchConsumerOptions } from './batch-consumer';
import { ConsumerLag, LagGauge } from './consumer-lag';
import { DEFAULT_RESEND, MAX_REQUEST_BYTES, MessagePublisher } from './message-publisher';
import { KafkaSecurity, kafkaClientConfig } from './kafka-client-options';
import { TopicCreation, topicCreationRequest, topicDrift } from './topic-creation';

export interface KafkaConnectionOptions {
  brokers: string[];
  clientId: string;
  /** TLS and SASL; a plain connection without. */
  security?: KafkaSecurity;
  /** Prepended to every topic name; isolates test runs on one cluster. */
  topicPrefix?: string;
  logger: Logger;
  /** Replicas, min.insync.replicas and partitions of the topics this connection creates; unset: the cluster's defaults. */
  topicCreation?: TopicCreation;
  /** Handling settings every consumer of this connection starts from (a consumer's own options win). */
  consumerDefaults?: ConsumerDefaults;
  /** Where this connection's consumers dead-letter (see BatchConsumerOptions.deadLetter), unless one names its own. */
  deadLetter?: TopicSpec;
  /** Counts each time a consumer group (re)assigns partitions to one of this service's members (a prom-client Counter fits). */
  rebalances?: { inc(labels: { group: string }): void };
  /** Each consumer's lag per partition it owns (hookstream_consumer_lag_messages; a prom-client Gauge fits). */
  consumerLag?: LagGauge;
  /** Counts messages dead-lettered by this connection's consumers, by the topic they came from and a bounded reason (DeadLetterReason). */
  deadLetters?: { inc(labels: { topic: string; reason: string }, value?: number): void };
  /** Counts failed produce requests by topic: `resent` (a passing failure, sent again) or `failed` (given up on). */
  produceErrors?: { inc(labels: { topic: string; reason: 'resent' | 'failed' }): void };
}

/** One partition as the cluster sees it now: broker ids of its leader (-1: none), replicas and in-sync replicas. */
export interface PartitionState {
  topic: string;
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
}

export type ConsumerDefaults = Partial<Pick<BatchConsumerOptions<unknown>, 'maxHandlingAttempts' | 'retryBackoffMs' | 'stuckAfterAttempts' | 'sessionTimeoutMs'>>;

const KAFKAJS_LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The one place that owns a service's Kafka client: a single producer
 * (acks=all; not idempotent: consumers dedupe on ids), an admin for topic creation and health, and factories
 * for consumers. Everything kafkajs stays behind this lib.
 */
export class KafkaConnection {
  readonly kafka: Kafka;
  readonly publisher: MessagePublisher;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly consumers: BatchConsumer<unknown>[] = [];
  private connected = false;
  /** Topics whose drift from the settings was already logged: once per topic, not per ensureTopics. */
  private readonly driftLogged = new Set<string>();

  constructor(private readonly options: KafkaConnectionOptions) {
    const log = options.logger.child({ component: 'kafkajs' });
    this.kafka = new Kafka({
      ...kafkaClientConfig(options),
      logLevel: logLevel.WARN,
      retry: { initialRetryTime: 100, retries: 8 },
      logCreator:
        () =>
        ({ level, log: entry }: LogEntry) => {
          const { message, ...rest } = entry;
          log[KAFKAJS_LEVELS[level] ?? 'info'](rest, message);
        },
    });
    this.producer = this.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      // Keeps per-key order across retries of one send.
      maxInFlightRequests: 1,
      idempotent: false,
      // One try per send: the publisher sends a failed request again whole (see ResendPolicy).
      retry: { retries: 0 },
    });
    this.admin = this.kafka.admin();
    this.publisher = new MessagePublisher(this.producer, (spec) => this.topic(spec), MAX_REQUEST_BYTES, DEFAULT_RESEND, options.produceErrors);
  }

  get logger(): Logger {
    return this.options.logger;
  }

  /** The dead-letter topic of this connection's consumers, if it has one. */
  get deadLetter(): TopicSpec | undefined {
    return this.options.deadLetter;
  }

  /** The real consumer group id of a group name: the deployment's prefix isolates side-by-side deployments and test runs, as for topics. */
  groupId(name: string): string {
    return `${this.options.topicPrefix ?? ''}${name}`;
  }

  /** The real topic name of a spec, with this deployment's prefix. */
  topic(spec: TopicSpec | string): string {
    const name = typeof spec === 'string' ? spec : spec.name;
    return `${this.options.topicPrefix ?? ''}${name}`;
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.admin.connect();
    await this.producer.connect();
    this.connected = true;
  }

  /**
   * Creates the topics that do not exist yet (existing ones are left alone)
   * and returns once every partition of each has a leader. At first boot
   * several services create the same topics at once, and a young broker may
   * not have settled: a topic another process created meanwhile counts as
   * created, and the rest (metadata not yet propagated, not the controller,
   * no leader yet) is retried with a capped backoff for up to `withinMs`.
   */
  async ensureTopics(specs: readonly TopicSpec[], withinMs = 60_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.createMissingTopics(specs);
        this.logDrift(specs, await this.checkLeaders(specs));
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
        this.options.logger.warn({ err, attempt }, 'topics not ready yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** Math.min(attempt - 1, 10))));
      }
    }
  }

  /** Admin calls at boot meet leader elections on a young or restarted broker: retry them. */
  async withRetries<T>(what: string, call: () => Promise<T>, attempts = 8): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (attempt >= attempts) throw err;
        this.options.logger.warn({ err, attempt }, `${what} failed; retrying`);
        await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
      }
    }
  }

  private async createMissingTopics(specs: readonly TopicSpec[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const missing = specs.filter((s) => !existing.has(this.topic(s)));
    if (missing.length === 0) return;
    // Leaders are checked after, for the topics others created too.
    await this.admin.createTopics({
      waitForLeaders: false,
      topics: missing.map((spec) => topicCreationRequest(spec, this.topic(spec), this.options.topicCreation)),
    }).catch((err: unknown) => {
      if (!createdElsewhere(err)) throw err;
    });
  }

  /** Throws unless every partition of each topic has a leader; returns the topics' metadata. */
  private async checkLeaders(specs: readonly TopicSpec[]): Promise<ITopicMetadata[]> {
    const { topics } = await this.admin.fetchTopicMetadata({ topics: specs.map((s) => this.topic(s)) });
    const leaderless = topics.flatMap((t) => t.partitions.filter((p) => p.leader < 0 || p.partitionErrorCode !== 0).map((p) => `${t.name}/${p.partitionId}`));
    if (topics.length < specs.length || topics.some((t) => t.partitions.length === 0) || leaderless.length > 0) {
      throw new Error(`topics without leaders yet: ${leaderless.join(', ') || 'metadata not propagated'}`);
    }
    return topics;
  }

  /** Topics made before the settings changed keep their shape: say so once, since only an operator can change them. */
  private logDrift(specs: readonly TopicSpec[], topics: ITopicMetadata[]): void {
    const byName = new Map(topics.map((t) => [t.name, t]));
    for (const spec of specs) {
      const name = this.topic(spec);
      const metadata = byName.get(name);
      if (!metadata || this.driftLogged.has(name)) continue;
      const replicas = Math.min(...metadata.partitions.map((p) => p.replicas.length));
      const drift = topicDrift(spec, this.options.topicCreation ?? {}, { partitions: metadata.partitions.length, replicas });
      if (drift === undefined) continue;
      this.driftLogged.add(name);
      this.options.logger.warn({ topic: name }, `topic ${name} ${drift}; existing topics are not changed (kafka-topics.sh --alter, kafka-reassign-partitions.sh)`);
    }
  }

  /** Leader, replicas and in-sync replicas of every partition of these topics (real names, prefix included). */
  async partitionStates(topics: readonly string[]): Promise<PartitionState[]> {
    const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
    return metadata.topics.flatMap((t) =>
      t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, leader: p.leader, replicas: [...p.replicas], isr: [...p.isr] })),
    );
  }

  /** Settings set on the topic itself (at creation or altered since), not inherited from the cluster. */
  async topicOverrides(spec: TopicSpec): Promise<Map<string, string>> {
    const { resources } = await this.admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: this.topic(spec) }], includeSynonyms: false });
    return new Map((resources[0]?.configEntries ?? []).filter((e) => !e.isDefault && e.configSource === ConfigSource.TOPIC_CONFIG).map((e) => [e.configName, e.configValue]));
  }

  /** Resolves when a broker answers a metadata request; used by readiness. */
  async ping(timeoutMs = 2000): Promise<void> {
    await withTimeout(this.admin.describeCluster(), timeoutMs, 'Kafka did not answer');
  }

  /** A member of `groupId` joined its group and got partitions: after a start, a restart, or another member's coming or going. */
  countRebalance(groupId: string): void {
    this.options.rebalances?.inc({ group: groupId });
  }

  /** A consumer group member's lag tracker, when this connection reports lag. */
  consumerLag(groupId: string): ConsumerLag | undefined {
    return this.options.consumerLag && new ConsumerLag(groupId, this.options.consumerLag);
  }

  /** `count` messages from `topic` went to a dead-letter topic for `reason`: a DeadLetterReason, or another bounded code (delivery's error kinds), never free text. */
  countDeadLetters(topic: string, reason: DeadLetterReason | (string & {}), count = 1): void {
    if (count > 0) this.options.deadLetters?.inc({ topic, reason }, count);
  }

  /** The high watermark of every partition of these topics (real names). */
  async partitionEnds(topics: readonly string[]): Promise<{ topic: string; partition: number; high: string }[]> {
    const ends = await Promise.all(topics.map(async (topic) => (await this.admin.fetchTopicOffsets(topic)).map((o) => ({ topic, partition: o.partition, high: o.high }))));
    return ends.flat();
  }

  /** A group's committed offset of every partition of these topics (-1: none yet). */
  async committedOffsets(groupId: string, topics: readonly string[]): Promise<{ topic: string; partition: number; offset: string }[]> {
    const committed = await this.admin.fetchOffsets({ groupId, topics: [...topics] });
    return committed.flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: p.offset })));
  }

  consumer<T>(options: BatchConsumerOptions<T>): BatchConsumer<T> {
    const consumer = new BatchConsumer<T>(this, { ...this.options.consumerDefaults, ...options });
    this.consumers.push(consumer as BatchConsumer<unknown>);
    return consumer;
  }

  /** Stops consumers first (they finish their batch and commit), then the producer. */
  async disconnect(): Promise<void> {
    await Promise.allSettled(this.consumers.map((c) => c.stop()));
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
    this.connected = false;
  }

  /** Forgets consumer groups' committed offsets (their members must be stopped). */
  async deleteGroups(groupIds: string[]): Promise<void> {
    const existing = new Set((await this.admin.listGroups()).groups.map((g) => g.groupId));
    const present = groupIds.filter((g) => existing.has(g));
    if (present.length > 0) await this.admin.deleteGroups(present);
  }

  /**
   * Deletes every topic and consumer group named with this connection's
   * prefix: what a benchmark or test run leaves on a shared broker. Refuses
   * without a prefix, which would be everything.
   */
  async deleteEverythingPrefixed(): Promise<{ topics: number; groups: number }> {
    const prefix = this.options.topicPrefix ?? '';
    if (prefix === '') throw new Error('refusing to delete the topics and groups of a connection without a topic prefix');
    const groups = (await this.admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(prefix));
    if (groups.length > 0) await this.admin.deleteGroups(groups).catch(() => undefined);
    const topics = (await this.admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await this.admin.deleteTopics({ topics, timeout: 30_000 });
    return { topics: topics.length, groups: groups.length };
  }

  /** Newest offset per partition; lets a consumer know when it has caught up. */
  async latestOffsets(spec: TopicSpec): Promise<Map<number, string>> {
    const offsets = await this.withRetries('reading topic offsets', () => this.admin.fetchTopicOffsets(this.topic(spec)));
    return new Map(offsets.map((o) => [o.partition, o.high]));
  }
}

/**
 * Why a consumer dead-lettered a message, as a metric label: `undecodable`
 * (its bytes fail the topic's schema), `rejected` (its handler judged it
 * unfit), `handling_failed` (its handling kept failing). The dead letter's
 * own header carries the full reason.
 */
export type DeadLetterReason = 'undecodable' | 'rejected' | 'handling_failed';

/** Every topic of a failed CreateTopics request exists already: another process was first. */
function createdElsewhere(err: unknown): boolean {
  const errors = (err as { errors?: unknown }).errors;
  const parts = Array.isArray(errors) ? errors : [err];
  return parts.length > 0 && parts.every((e) => (e as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS');
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
