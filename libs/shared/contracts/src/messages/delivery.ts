import { z } from 'zod';
import { idSchema } from '../ids';
import { CanonicalEvent } from './event';
import { SubscriptionInfo, WebhookAction } from './workflow';

/** An ISO date-time that parses to a real date (a calendar-valid one, in a Date's range). */
const storableDate = z
  .string()
  .datetime()
  .refine((value) => Number.isFinite(Date.parse(value)), { message: 'not a valid date' });

/**
 * One job per (event, workflow, action). It carries a snapshot of the action
 * so that retries, and deliveries for a workflow deleted meanwhile, use the
 * configuration the event was matched with. Key: action id.
 */
export const DeliveryJob = z.object({
  invocation_id: idSchema('ivc'),
  tenant_id: z.string(),
  event: CanonicalEvent,
  workflow_id: idSchema('wf'),
  workflow_version: z.number().int().positive(),
  action: WebhookAction,
  /** MyCashflow-style subscription the workflow stands for (uuid, topic, expands). */
  subscription: SubscriptionInfo.nullable().default(null),
  /** 1-based number of the attempt this job is about to make. */
  attempt: z.number().int().positive(),
  /** When this attempt may start; absent means now. A date a Date can hold, so the job can always be scheduled. */
  due_at: storableDate.optional(),
  reflow: z.boolean().optional(),
  scheduled_at: z.string().datetime(),
});
export type DeliveryJob = z.infer<typeof DeliveryJob>;

export const DeliveryErrorKind = z.enum([
  'http_status',
  'timeout',
  'network',
  'redirect',
  'ssrf_blocked',
  'circuit_open',
  'endpoint_disabled',
  'invalid_url',
  /** The job's request could not be built from its event and action. */
  'unsendable',
]);
export type DeliveryErrorKind = z.infer<typeof DeliveryErrorKind>;

/** Every attempt's outcome. Key: event id. */
export const DeliveryOutcome = z.object({
  /** Deterministic per (event, workflow, action): retries and reflows share it. */
  invocation_id: idSchema('ivc'),
  tenant_id: z.string(),
  event_id: idSchema('evt'),
  workflow_id: idSchema('wf'),
  /** The workflow's version the job was matched with (the job's); null from deliveries older than this field. */
  workflow_version: z.number().int().positive().nullable().default(null),
  action_id: idSchema('wfa'),
  attempt: z.number().int().positive(),
  timestamp: z.string().datetime(),
  /** true for any attempt after the first of its invocation. */
  retry: z.boolean(),
  succeeded: z.boolean(),
  /** No further attempt will follow this one. */
  final: z.boolean(),
  status_code: z.number().int().nullable(),
  error_kind: DeliveryErrorKind.nullable(),
  error_message: z.string().nullable(),
  url: z.string(),
  /** Secrets masked. */
  request_headers: z.record(z.string(), z.string()),
  response_body: z.string().nullable(),
  response_received_at: z.string().datetime().nullable(),
  duration_ms: z.number().nonnegative(),
  next_attempt_at: z.string().datetime().nullable(),
});
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/** A job whose schedule ran out, or that can never succeed. Key: action id. */
export const DeliveryDeadLetter = z.object({
  job: DeliveryJob,
  reason: z.string(),
  dead_lettered_at: z.string().datetime(),
});
export type DeliveryDeadLetter = z.infer<typeof DeliveryDeadLetter>;

/**
 * A handed-off attempt (see delivery's HandoffLedger) that has settled: its
 * outcome is published, so its safety copy is to be dropped, by whichever
 * instance reads the copy, after any restart. Key: `${invocation_id}#${attempt}`.
 */
export const SettledHandoff = z.object({
  invocation_id: idSchema('ivc'),
  attempt: z.number().int().positive(),
  settled_at: z.string().datetime(),
});
export type SettledHandoff = z.infer<typeof SettledHandoff>;
