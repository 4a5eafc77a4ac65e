import { z } from 'zod';
import { idSchema } from '../ids';

/** How a webhook body is shaped and signed. */
export const PayloadFormat = z.enum(['checkout', 'cloudevents', 'caf', 'mycashflow']);
export type PayloadFormat = z.infer<typeof PayloadFormat>;

/** A named retry policy, or explicit delays in milliseconds between attempts. */
export const RetryPolicyRef = z.union([
  z.enum(['checkout', 'caf', 'mycashflow', 'standard-webhooks']),
  z.array(z.number().int().nonnegative()).min(0).max(50),
]);
export type RetryPolicyRef = z.infer<typeof RetryPolicyRef>;

export const EventCondition = z.object({
  id: idSchema('wfc'),
  type: z.literal('event'),
  /** source -> event type ids */
  events: z.record(z.string(), z.array(z.string())),
});
export const EntityCondition = z.object({
  id: idSchema('wfc'),
  type: z.literal('entity'),
  entities: z.array(z.string()).min(1),
});
export const ProcessingChannelCondition = z.object({
  id: idSchema('wfc'),
  type: z.literal('processing_channel'),
  processing_channels: z.array(z.string()).min(1),
});
export const WorkflowCondition = z.discriminatedUnion('type', [EventCondition, EntityCondition, ProcessingChannelCondition]);
export type WorkflowCondition = z.infer<typeof WorkflowCondition>;

export const WebhookAction = z.object({
  id: idSchema('wfa'),
  type: z.literal('webhook'),
  url: z.string().url(),
  /** Sent verbatim on every delivery. Secret: masked in every API response. */
  headers: z.record(z.string(), z.string()).default({}),
  signature: z.object({ method: z.literal('HMACSHA256'), key: z.string().min(1) }).optional(),
  format: PayloadFormat.default('checkout'),
  cloudevents_mode: z.enum(['structured', 'binary']).default('structured'),
  retry_policy: RetryPolicyRef.default('checkout'),
  timeout_ms: z.number().int().positive().max(60_000).default(10_000),
  /**
   * Standard Webhooks secrets (whsec_…), newest first. During a rotation more
   * than one is present and every one of them signs.
   */
  signing_secrets: z.array(z.string().startsWith('whsec_')).min(1),
  /** Set when the receiver answered 410 Gone; a disabled action gets no jobs. */
  disabled_at: z.string().datetime().nullable().default(null),
  disabled_reason: z.string().nullable().default(null),
});
export type WebhookAction = z.infer<typeof WebhookAction>;

/** MyCashflow-style subscription: a workflow with one event condition and one action. */
export const SubscriptionInfo = z.object({
  uuid: z.string().uuid(),
  topic: z.string(),
  expands: z.array(z.string()),
});
export type SubscriptionInfo = z.infer<typeof SubscriptionInfo>;

/** Value of the compacted config topic: the workflow's whole current state. */
export const WorkflowState = z.object({
  id: idSchema('wf'),
  tenant_id: z.string().min(1),
  name: z.string(),
  active: z.boolean(),
  /** Increments on every change; delivery jobs carry it. */
  version: z.number().int().positive(),
  conditions: z.array(WorkflowCondition),
  actions: z.array(WebhookAction),
  subscription: SubscriptionInfo.nullable().default(null),
  updated_at: z.string().datetime(),
});
export type WorkflowState = z.infer<typeof WorkflowState>;

/** A tombstone (null value) deletes the workflow. */
export const WorkflowConfigMessage = WorkflowState.nullable();
export type WorkflowConfigMessage = z.infer<typeof WorkflowConfigMessage>;

export const EndpointDisabled = z.object({
  tenant_id: z.string(),
  workflow_id: idSchema('wf'),
  action_id: idSchema('wfa'),
  url: z.string(),
  reason: z.string(),
  disabled_at: z.string().datetime(),
});
export type EndpointDisabled = z.infer<typeof EndpointDisabled>;
