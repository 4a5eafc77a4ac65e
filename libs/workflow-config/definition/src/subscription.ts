import { randomUUID } from 'node:crypto';
import { readWith, type ReadResult, type SubscriptionInput, type WorkflowState } from '@hookstream/contracts';
import type { EventTypeCatalog } from './event-type-catalog';
import { inputSchemasFor, type WorkflowInput } from './workflow-input';
import { DEFAULT_WORKFLOW_LIMITS, WorkflowLimits } from './workflow-limits';

/** POST /api/v1/webhooks. */
export function readSubscriptionInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<SubscriptionInput> {
  return readWith(inputSchemasFor(limits).subscription, body);
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
