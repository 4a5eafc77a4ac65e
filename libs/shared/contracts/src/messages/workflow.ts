import { z } from 'zod';
import { isSealed, secretByteLength } from '@hookstream/secrets';
import { idSchema } from '../ids';
import { CONDITION_TYPES, WorkflowCondition } from './conditions';
import { ActionTimeout, RetryScheduleBounds, WorkflowCeilings } from './workflow-limits';

/** How a webhook body is shaped and signed. */
export const PayloadFormat = z.enum(['checkout', 'cloudevents', 'caf', 'mycashflow']);
export type PayloadFormat = z.infer<typeof PayloadFormat>;

/** How a CloudEvents delivery carries the event: all in the body, or attributes in headers. */
export const CloudEventsMode = z.enum(['structured', 'binary']);

export const RetryPolicyName = z.enum(['checkout', 'caf', 'mycashflow', 'standard-webhooks']);

/** A named retry policy, or explicit delays in milliseconds between attempts. */
export const RetryPolicyRef = z.union([
  RetryPolicyName,
  z
    .array(z.number().int().nonnegative().max(RetryScheduleBounds.maxDelayMs))
    .max(RetryScheduleBounds.maxDelays)
    .refine((delays) => delays.reduce((sum, d) => sum + d, 0) <= RetryScheduleBounds.maxTotalMs, {
      message: `the delays add up to more than ${RetryScheduleBounds.maxTotalMs} ms`,
    }),
]);
export type RetryPolicyRef = z.infer<typeof RetryPolicyRef>;

const boundedString = (max: number) => z.string().max(max);

export const WebhookAction = z.object({
  id: idSchema('wfa'),
  type: z.literal('webhook'),
  url: z.string().max(WorkflowCeilings.urlLength).url(),
  /** Sent verbatim on every delivery. Secret: sealed on topics and in Postgres, masked in every API response. */
  headers: z
    .record(z.string(), z.string())
    .refine((headers) => Object.keys(headers).length <= WorkflowCeilings.headers, { message: `more than ${WorkflowCeilings.headers} headers` })
    .refine((headers) => headerBytes(headers) <= WorkflowCeilings.headerBytes, { message: `headers past ${WorkflowCeilings.headerBytes} bytes` })
    .default({}),
  /** The key is sealed on topics and in Postgres. */
  signature: z.object({ method: z.literal('HMACSHA256'), key: secretOfAtMost(WorkflowCeilings.signatureKeyLength) }).optional(),
  format: PayloadFormat.default('checkout'),
  cloudevents_mode: CloudEventsMode.default('structured'),
  retry_policy: RetryPolicyRef.default('checkout'),
  timeout_ms: z.number().int().positive().max(ActionTimeout.maxMs).default(ActionTimeout.defaultMs),
  /**
   * Standard Webhooks secrets (whsec_…, sealed on topics and in Postgres),
   * newest first. During a rotation more than one is present and every one
   * of them signs until previous_secrets_expire_at.
   */
  signing_secrets: z.array(z.string().refine((s) => s.startsWith('whsec_') || isSealed(s), { message: 'not a whsec_ secret, clear or sealed' })).min(1),
  /** From this time on only the first signing secret signs (the end of a rotation's grace period). */
  previous_secrets_expire_at: z.string().datetime().optional(),
  /** Set when the receiver answered 410 Gone; a disabled action gets no jobs. */
  disabled_at: z.string().datetime().nullable().default(null),
  disabled_reason: z.string().nullable().default(null),
});
export type WebhookAction = z.infer<typeof WebhookAction>;

/** MyCashflow-style subscription: a workflow with one event condition and one action. */
export const SubscriptionInfo = z.object({
  uuid: z.string().uuid(),
  topic: boundedString(WorkflowCeilings.conditionValueLength),
  expands: z.array(boundedString(WorkflowCeilings.conditionValueLength)).max(WorkflowCeilings.conditionValues),
});
export type SubscriptionInfo = z.infer<typeof SubscriptionInfo>;

/** Value of the compacted config topic: the workflow's whole current state. */
export const WorkflowState = z.object({
  id: idSchema('wf'),
  tenant_id: z.string().min(1),
  name: z.string().max(WorkflowCeilings.nameLength),
  active: z.boolean(),
  /** Increments on every change; delivery jobs carry it. */
  version: z.number().int().positive(),
  // One of each type at most.
  conditions: z.array(WorkflowCondition).max(CONDITION_TYPES.length),
  actions: z.array(WebhookAction).max(WorkflowCeilings.actions),
  subscription: SubscriptionInfo.nullable().default(null),
  updated_at: z.string().datetime(),
}).refine((state) => jsonBytes(state) <= WorkflowCeilings.stateBytes, { message: `the state is past ${WorkflowCeilings.stateBytes} bytes as JSON` });
export type WorkflowState = z.infer<typeof WorkflowState>;

/** Name and value bytes of every header, as they go on the wire (a sealed value counts as its clear bytes). */
export function headerBytes(headers: Record<string, string>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(headers)) bytes += Buffer.byteLength(name) + secretByteLength(value);
  return bytes;
}

/**
 * A secret of at most `max` characters in clear. Sealed, only its bytes are
 * known: a character is at most 3 UTF-8 bytes (4 for a pair of UTF-16 units).
 */
function secretOfAtMost(max: number) {
  return z
    .string()
    .min(1)
    .refine((value) => (isSealed(value) ? secretByteLength(value) <= 3 * max : value.length <= max), { message: `longer than ${max} characters` });
}

/** A value's size as the JSON that Kafka and Postgres hold. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value));
}

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
