import type { TopicSpec } from '@hookstream/contracts';
import type { KafkaEnv } from '@hookstream/config';

/**
 * How a deployment creates its topics (KAFKA_REPLICATION_FACTOR,
 * KAFKA_MIN_INSYNC_REPLICAS, KAFKA_TOPIC_PARTITIONS). Unset parts are the
 * cluster's own defaults, or the topic registry's partition count.
 */
export interface TopicCreation {
  replicationFactor?: number;
  /** Set on each topic created, so a write (acks=all) needs this many in-sync replicas. */
  minInsyncReplicas?: number;
  /** Partition counts by topic name without the deployment's prefix. */
  partitions?: ReadonlyMap<string, number>;
}

/** What a CreateTopics request carries for one topic. */
export interface TopicCreationRequest {
  topic: string;
  numPartitions: number;
  /** -1: the cluster's default.replication.factor. */
  replicationFactor: number;
  configEntries: { name: string; value: string }[];
}

/** The partition count a topic is created with: the deployment's override, else the registry's. */
export function partitionsOf(spec: TopicSpec, creation: TopicCreation = {}): number {
  return creation.partitions?.get(spec.name) ?? spec.partitions;
}

export function topicCreationRequest(spec: TopicSpec, topic: string, creation: TopicCreation = {}): TopicCreationRequest {
  return {
    topic,
    numPartitions: partitionsOf(spec, creation),
    replicationFactor: creation.replicationFactor ?? -1,
    configEntries: [
      ...(spec.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : []),
      ...(spec.retentionMs !== undefined ? [{ name: 'retention.ms', value: String(spec.retentionMs) }] : []),
      ...(creation.minInsyncReplicas !== undefined ? [{ name: 'min.insync.replicas', value: String(creation.minInsyncReplicas) }] : []),
    ],
  };
}

/**
 * Why an existing topic is not what this deployment would create now, or
 * undefined: a topic made before the settings changed (on a single broker,
 * say) keeps its partitions and replicas until an operator changes them, and
 * a single replica is lost with its broker.
 */
export function topicDrift(spec: TopicSpec, creation: TopicCreation, actual: { partitions: number; replicas: number }): string | undefined {
  const problems: string[] = [];
  const partitions = partitionsOf(spec, creation);
  if (actual.partitions !== partitions) problems.push(`has ${actual.partitions} partitions, not ${partitions}`);
  const replicas = creation.replicationFactor;
  if (replicas !== undefined && actual.replicas < replicas) problems.push(`has ${actual.replicas} replica(s), fewer than KAFKA_REPLICATION_FACTOR=${replicas}`);
  return problems.length > 0 ? problems.join(' and ') : undefined;
}

/** The settings as the service's env gives them (see KafkaEnv). */
export function topicCreationFromEnv(env: Pick<KafkaEnv, 'KAFKA_REPLICATION_FACTOR' | 'KAFKA_MIN_INSYNC_REPLICAS' | 'KAFKA_TOPIC_PARTITIONS'>): TopicCreation {
  return { replicationFactor: env.KAFKA_REPLICATION_FACTOR, minInsyncReplicas: env.KAFKA_MIN_INSYNC_REPLICAS, partitions: env.KAFKA_TOPIC_PARTITIONS };
}
