// The one definition of every Kafka topic. Names follow
// <domain>.<entity>.<event>.v<N>; a breaking change gets a new version.
// The key column is the ordering unit of each topic.
export interface TopicSpec {
  readonly name: string;
  readonly key: string;
  readonly partitions: number;
  readonly compacted?: boolean;
  /** Retention for non-compacted topics; undefined keeps the broker default. */
  readonly retentionMs?: number;
}

export const Topics = {
  /** Producers publish here (more inbound topics may be configured). */
  producerEvents: { name: 'producer.event.published.v1', key: 'subject id', partitions: 6 },
  /** Producer messages that failed validation, with the reason and the original bytes. */
  ingestDeadLetter: { name: 'ingest.event.rejected.v1', key: 'original key', partitions: 1 },
  /** Canonical events with evt_ ids. */
  events: { name: 'ingest.event.accepted.v1', key: 'subject id', partitions: 6 },
  /** Full current state of each workflow; a tombstone on delete. */
  workflowConfig: { name: 'config.workflow.changed.v1', key: 'workflow id', partitions: 3, compacted: true },
  /** One job per (event, workflow, action). */
  deliveryJobs: { name: 'matcher.job.scheduled.v1', key: 'action id', partitions: 6 },
  /** Every attempt's outcome. */
  deliveryOutcomes: { name: 'delivery.attempt.completed.v1', key: 'event id', partitions: 6 },
  /** Jobs whose retry schedule ran out. */
  deliveryDeadLetter: { name: 'delivery.job.exhausted.v1', key: 'action id', partitions: 1 },
  /** Handed-off attempts that settled; read whole by every delivery instance. Only the last hour matters. */
  deliveryHandoffs: { name: 'delivery.handoff.settled.v1', key: 'invocation id#attempt', partitions: 1, retentionMs: 3_600_000 },
  /** An endpoint answered 410 Gone: its action is disabled. */
  endpointDisabled: { name: 'delivery.endpoint.disabled.v1', key: 'workflow id', partitions: 1 },
  /** Messages each consumer could not read, with the reason and the original bytes. */
  matcherDeadLetter: { name: 'matcher.message.rejected.v1', key: 'original key', partitions: 1 },
  deliveryRejected: { name: 'delivery.message.rejected.v1', key: 'original key', partitions: 1 },
  projectionDeadLetter: { name: 'projection.message.rejected.v1', key: 'original key', partitions: 1 },
  configDeadLetter: { name: 'config.message.rejected.v1', key: 'original key', partitions: 1 },
  /** Messages whose handling kept failing, of consumers that name no dead-letter topic of their own. */
  handlingDeadLetter: { name: 'consumer.message.failed.v1', key: 'original key', partitions: 1 },
  /** Reflow and test requests: stored or synthetic events to match again. */
  reflowRequests: { name: 'gateway.reflow.requested.v1', key: 'subject id', partitions: 3 },
} as const satisfies Record<string, TopicSpec>;

export type TopicId = keyof typeof Topics;


/** A retry delay topic: every message in it waits the same fixed time. */
export interface DelayTierSpec extends TopicSpec {
  readonly delayMs: number;
}

/**
 * Delivery's retry ladder, shortest first. Each tier holds its messages
 * (DeliveryJob values, key action id) for one fixed delay, so a partition's
 * head is always the earliest due; a job due later than its tier's delay
 * re-enters a further tier. Real time: RETRY_TIME_SCALE shrinks due times,
 * never these delays.
 */
export const DelayTiers = [
  { name: 'delivery.retry.1s.v1', key: 'action id', partitions: 6, delayMs: 1_000 },
  { name: 'delivery.retry.5s.v1', key: 'action id', partitions: 6, delayMs: 5_000 },
  { name: 'delivery.retry.30s.v1', key: 'action id', partitions: 6, delayMs: 30_000 },
  { name: 'delivery.retry.2m.v1', key: 'action id', partitions: 6, delayMs: 120_000 },
  { name: 'delivery.retry.10m.v1', key: 'action id', partitions: 6, delayMs: 600_000 },
  { name: 'delivery.retry.1h.v1', key: 'action id', partitions: 6, delayMs: 3_600_000 },
  { name: 'delivery.retry.4h.v1', key: 'action id', partitions: 6, delayMs: 14_400_000 },
] as const satisfies readonly DelayTierSpec[];
