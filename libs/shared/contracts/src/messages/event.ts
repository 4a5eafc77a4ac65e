import { z } from 'zod';
import { idSchema } from '../ids';

/**
 * Longest value of each producer identifier, in UTF-16 code units. They are
 * Kafka keys, dedup-ledger index entries and CloudEvents headers downstream.
 */
export const ProducerFieldLimits = {
  id: 200,
  source: 100,
  /** A CloudEvents source is a URI, mapped to a catalog source at ingest. */
  cloudEventSource: 500,
  type: 200,
  tenant: 100,
  subjectId: 200,
  entityId: 200,
  processingChannelId: 200,
  version: 20,
  webhookUrl: 2048,
} as const;

/**
 * What a producer publishes (Kafka or HTTP). event-ingest validates it, with
 * reasons, and turns it into a CanonicalEvent. A CloudEvents 1.0 envelope is
 * also accepted: see CloudEventEnvelope.
 */
export const ProducerEvent = z.object({
  /** Producer's idempotency key: the same id from one tenant and source is one event. */
  id: z.string().min(1).max(ProducerFieldLimits.id).optional(),
  source: z.string().min(1).max(ProducerFieldLimits.source),
  type: z.string().min(1).max(ProducerFieldLimits.type),
  tenant: z.string().min(1).max(ProducerFieldLimits.tenant).optional(),
  subject_id: z.string().min(1).max(ProducerFieldLimits.subjectId),
  entity_id: z.string().min(1).max(ProducerFieldLimits.entityId).optional(),
  processing_channel_id: z.string().min(1).max(ProducerFieldLimits.processingChannelId).optional(),
  timestamp: z.string().datetime({ offset: true }).optional(),
  version: z.string().min(1).max(ProducerFieldLimits.version).optional(),
  data: z.record(z.string(), z.unknown()).default({}),
  metadata: z
    .object({ webhookUrl: z.string().max(ProducerFieldLimits.webhookUrl).url().optional() })
    .catchall(z.unknown())
    .optional(),
});
export type ProducerEvent = z.infer<typeof ProducerEvent>;

export const CloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(ProducerFieldLimits.id),
  source: z.string().min(1).max(ProducerFieldLimits.cloudEventSource),
  type: z.string().min(1).max(ProducerFieldLimits.type),
  subject: z.string().min(1).max(ProducerFieldLimits.subjectId).optional(),
  time: z.string().datetime({ offset: true }).optional(),
  datacontenttype: z.string().max(200).optional(),
  data: z.unknown().optional(),
  /** Extension attributes carry the rest of the producer contract. */
  tenant: z.string().max(ProducerFieldLimits.tenant).optional(),
  entityid: z.string().max(ProducerFieldLimits.entityId).optional(),
  processingchannelid: z.string().max(ProducerFieldLimits.processingChannelId).optional(),
  webhookurl: z.string().max(ProducerFieldLimits.webhookUrl).url().optional(),
}).catchall(z.unknown());
export type CloudEventEnvelope = z.infer<typeof CloudEventEnvelope>;

export const EventMetadata = z
  .object({
    webhook_url: z.string().url().optional(),
    producer_id: z.string().optional(),
    /** Synthetic sample sent by POST /workflows/{id}/test. */
    test: z.boolean().optional(),
    /**
     * The CloudEvents source URI of the event (set by ingest: the one it came
     * with, or the one its catalog source maps to); deliveries in CloudEvents
     * formats send it as `source`.
     */
    cloudevents_source: z.string().min(1).max(ProducerFieldLimits.cloudEventSource).optional(),
  })
  .catchall(z.unknown());
export type EventMetadata = z.infer<typeof EventMetadata>;

/** The events topic's value; key is subject_id. */
export const CanonicalEvent = z.object({
  id: idSchema('evt'),
  tenant_id: z.string().min(1),
  source: z.string(),
  type: z.string(),
  subject_id: z.string(),
  entity_id: z.string().nullable(),
  processing_channel_id: z.string().nullable(),
  timestamp: z.string().datetime({ offset: true }),
  version: z.string(),
  data: z.record(z.string(), z.unknown()),
  metadata: EventMetadata,
  received_at: z.string().datetime(),
});
export type CanonicalEvent = z.infer<typeof CanonicalEvent>;

/** Re-match stored (or synthetic test) events; key is the subject id. */
export const ReflowRequest = z.object({
  request_id: z.string(),
  tenant_id: z.string(),
  event: CanonicalEvent,
  /** Only these workflows; absent means every workflow that matches. */
  workflow_ids: z.array(idSchema('wf')).optional(),
  requested_at: z.string().datetime(),
});
export type ReflowRequest = z.infer<typeof ReflowRequest>;
