import { randomUUID } from 'node:crypto';
import { hasUnstorableCharacters, type WorkflowState } from '@hookstream/contracts';
import type { EventTypeCatalog } from './event-type-catalog';
import { ReadResult, urlCodes, WorkflowInput } from './workflow-input';
import { DEFAULT_WORKFLOW_LIMITS, WorkflowLimits } from './workflow-limits';

/** POST /api/v1/webhooks body. */
export interface SubscriptionInput {
  topic: string;
  expands: string[];
  url: string;
}

/** Topics are catalog event types; expands name top-level fields of the event's data. */
const NAME_MAX = 128;
const EXPANDS_MAX = 100;
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= NAME_MAX && !hasUnstorableCharacters(v);

export function readSubscriptionInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<SubscriptionInput> {
  const codes = new Set<string>();
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { ok: false, codes: ['request_body_invalid'] };
  const b = body as Record<string, unknown>;
  if (Object.keys(b).some((k) => !['topic', 'expands', 'url'].includes(k))) codes.add('field_unknown');
  if (typeof b.topic !== 'string' || b.topic.length === 0) codes.add('topic_required');
  else if (!isName(b.topic)) codes.add('event_type_unknown');
  const expands = b.expands ?? [];
  if (!Array.isArray(expands) || expands.length > EXPANDS_MAX || !expands.every(isName)) codes.add('expands_invalid');
  for (const code of urlCodes(b.url, limits)) codes.add(code);
  if (codes.size > 0) return { ok: false, codes: [...codes] };
  return { ok: true, value: { topic: b.topic as string, expands: expands as string[], url: b.url as string } };
}

/**
 * A MyCashflow subscription is a workflow: one event condition for its topic,
 * one webhook action in MyCashflow's format and retry schedule.
 */
export function subscriptionWorkflow(
  input: SubscriptionInput,
  catalog: EventTypeCatalog,
  newUuid: () => string = randomUUID,
): { ok: true; workflow: WorkflowInput; uuid: string } | { ok: false; codes: string[] } {
  const source = catalog.sourceOf(input.topic);
  if (!source) return { ok: false, codes: ['event_type_unknown'] };
  return {
    ok: true,
    uuid: newUuid(),
    workflow: {
      name: `Subscription ${input.topic}`,
      active: true,
      conditions: [{ type: 'event', events: { [source]: [input.topic] } }],
      actions: [{ type: 'webhook', url: input.url, headers: {}, format: 'mycashflow', retry_policy: 'mycashflow' }],
    },
  };
}

/**
 * {uuid, topic, expands, url}; the secret only when the subscription is
 * created. MyCashflow's numeric user_id is the tenant's, added by the gateway.
 */
export function subscriptionView(state: WorkflowState, withSecret = false) {
  const subscription = state.subscription;
  if (!subscription) throw new Error(`${state.id} is not a subscription`);
  const action = state.actions[0];
  return {
    uuid: subscription.uuid,
    topic: subscription.topic,
    expands: subscription.expands,
    url: action?.url,
    ...(withSecret && action ? { secret: action.signing_secrets[0] } : {}),
  };
}
