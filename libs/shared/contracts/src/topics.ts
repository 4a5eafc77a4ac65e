import { z } from 'zod';
import { CanonicalEvent, ReflowRequest } from './messages/event';
import { DeliveryDeadLetter, DeliveryJob, DeliveryOutcome, SettledHandoff } from './messages/delivery';
import { EndpointDisabled, WorkflowConfigMessage } from './messages/workflow';
import { WorkflowEvent } from './messages/workflow-events';

// The one definition of every Kafka topic. Names follow
// <domain>.<entity>.<event>.v<N>; a breaking change gets a new version.

/** What creating a topic and naming it need. */
export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly compacted?: boolean;
  /** Retention for non-compacted topics; undefined keeps the broker default. */
  readonly retentionMs?: number;
}

/**
 * A topic of messages: the one schema producer and consumer both validate
 * with, and the key, its ordering unit, derived from the value so that no
 * publisher writes it by hand.
 */
export interface TopicDefinition<S extends z.ZodType = z.ZodType> extends TopicSpec {
  readonly schema: S;
  readonly key: (value: NonNullable<z.infer<S>>) => string;
}

export function defineTopic<S extends z.ZodType>(definition: TopicDefinition<S>): TopicDefinition<S> {
  return definition;
}

/**
 * The one naming rule of dead letters: `<owner>.message.rejected.v1` holds
 * what the owner's consumers could not read or kept failing to handle,
 * with the original key, bytes and headers (see the messaging lib).
 * Exhausted delivery jobs are not rejected messages: they have a topic and
 * a schema of their own (Topics.deliveryExhausted).
 */
export function rejectedMessagesTopic(owner: string): TopicSpec {
  return { name: `${owner}.message.rejected.v1`, partitions: 1 };
}

/** One attempt of one invocation: what a settled handoff is keyed by, and what delivery's ledger remembers. */
export function settledHandoffKey(invocationId: string, attempt: number): string {
  return `${invocationId}#${attempt}`;
}

export const Topics = {
  /** Producers publish here (more inbound topics may be configured); ingest reads raw bytes, validated by its own rules. */
  producerEvents: { name: 'producer.event.published.v1', partitions: 6 },
  /** Canonical events with evt_ ids, in order per subject. */
  events: defineTopic({ name: 'ingest.event.accepted.v1', partitions: 6, schema: CanonicalEvent, key: (e) => e.subject_id }),
  /** Full current state of each workflow; a tombstone (published by key) on delete. */
  workflowConfig: defineTopic({ name: 'config.workflow.changed.v1', partitions: 3, compacted: true, schema: WorkflowConfigMessage, key: (w) => w.id }),
  /** Every workflow's domain events (its history), in version order per workflow; for audit export and tenants' own systems. */
  workflowEvents: defineTopic({ name: 'config.workflow.recorded.v1', partitions: 3, schema: WorkflowEvent, key: (e) => e.workflow_id }),
  /** One job per (event, workflow, action). */
  deliveryJobs: defineTopic({ name: 'matcher.job.scheduled.v1', partitions: 6, schema: DeliveryJob, key: (j) => j.action.id }),
  /** Every attempt's outcome. */
  deliveryOutcomes: defineTopic({ name: 'delivery.attempt.completed.v1', partitions: 6, schema: DeliveryOutcome, key: (o) => o.event_id }),
  /** Jobs whose retry schedule ran out, or that could not be followed up. */
  deliveryExhausted: defineTopic({ name: 'delivery.job.exhausted.v1', partitions: 1, schema: DeliveryDeadLetter, key: (d) => d.job.action.id }),
  /** Handed-off attempts that settled; read whole by every delivery instance. Only the last hour matters. */
  deliveryHandoffs: defineTopic({
    name: 'delivery.handoff.settled.v1',
    partitions: 1,
    retentionMs: 3_600_000,
    schema: SettledHandoff,
    key: (h) => settledHandoffKey(h.invocation_id, h.attempt),
  }),
  /** An endpoint answered 410 Gone: its action is disabled. */
  endpointDisabled: defineTopic({ name: 'delivery.endpoint.disabled.v1', partitions: 1, schema: EndpointDisabled, key: (d) => d.workflow_id }),
  /** Reflow and test requests: stored or synthetic events to match again. */
  reflowRequests: defineTopic({ name: 'gateway.reflow.requested.v1', partitions: 3, schema: ReflowRequest, key: (r) => r.event.subject_id }),
  /** Each consuming service's dead letters. */
  ingestRejected: rejectedMessagesTopic('ingest'),
  configRejected: rejectedMessagesTopic('config'),
  matcherRejected: rejectedMessagesTopic('matcher'),
  deliveryRejected: rejectedMessagesTopic('delivery'),
  projectionRejected: rejectedMessagesTopic('projection'),
} as const satisfies Record<string, TopicSpec>;


/** A retry delay topic: every message in it waits the same fixed time. */
export interface DelayTierSpec extends TopicDefinition<typeof DeliveryJob> {
  readonly delayMs: number;
}

/**
 * Delivery's retry ladder, shortest first. Each tier holds its messages
 * (delivery jobs) for one fixed delay, so a partition's head is always the
 * earliest due; a job due later than its tier's delay re-enters a further
 * tier. Real time: RETRY_TIME_SCALE shrinks due times, never these delays.
 */
export const DelayTiers = [
  { name: 'delivery.retry.1s.v1', delayMs: 1_000 },
  { name: 'delivery.retry.5s.v1', delayMs: 5_000 },
  { name: 'delivery.retry.30s.v1', delayMs: 30_000 },
  { name: 'delivery.retry.2m.v1', delayMs: 120_000 },
  { name: 'delivery.retry.10m.v1', delayMs: 600_000 },
  { name: 'delivery.retry.1h.v1', delayMs: 3_600_000 },
  { name: 'delivery.retry.4h.v1', delayMs: 14_400_000 },
].map((tier): DelayTierSpec => ({ ...tier, partitions: Topics.deliveryJobs.partitions, schema: DeliveryJob, key: Topics.deliveryJobs.key }));
