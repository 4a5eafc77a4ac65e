import { z } from 'zod';
import { idSchema } from '../ids';

/**
 * What a producer publishes (Kafka or HTTP). event-ingest validates it, with
 * reasons, and turns it into a CanonicalEvent. A CloudEvents 1.0 envelope is
 * also accepted: see CloudEventEnvelope.
 */
export const ProducerEvent = z.object({
  /** Producer's idempotency key: the same id from one tenant and source is one event. */
  id: z.string().min(1).max(200).optional(),
  source: z.string().min(1).max(100),
  type: z.string().min(1).max(200),
  tenant: z.string().min(1).max(100).optional(),
  subject_id: z.string().min(1).max(200),
  entity_id: z.string().min(1).max(200).optional(),
  processing_channel_id: z.string().min(1).max(200).optional(),
  timestamp: z.string().datetime({ offset: true }).optional(),
  version: z.string().min(1).max(20).optional(),
  data: z.record(z.string(), z.unknown()).default({}),
  metadata: z
    .object({ webhookUrl: z.string().url().optional() })
    .catchall(z.unknown())
    .optional(),
});
export type ProducerEvent = z.infer<typeof ProducerEvent>;

export const CloudEventEnvelope = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1),
  source: z.string().min(1),
  type: z.string().min(1),
  subject: z.string().min(1).optional(),
  time: z.string().datetime({ offset: true }).optional(),
  datacontenttype: z.string().optional(),
  data: z.unknown().optional(),
  /** Extension attributes carry the rest of the producer contract. */
  tenant: z.string().optional(),
  entityid: z.string().optional(),
  processingchannelid: z.string().optional(),
  webhookurl: z.string().url().optional(),
}).catchall(z.unknown());
export type CloudEventEnvelope = z.infer<typeof CloudEventEnvelope>;

export const EventMetadata = z
  .object({
    webhook_url: z.string().url().optional(),
    producer_id: z.string().optional(),
    /** Synthetic sample sent by POST /workflows/{id}/test. */
    test: z.boolean().optional(),
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
