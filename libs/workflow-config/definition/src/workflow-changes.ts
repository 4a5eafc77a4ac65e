import type { newId, SubscriptionInfo, WorkflowState } from '@hookstream/contracts';
import { decide, fold, stamp, type WorkflowCommand } from './workflow-decider';
import type { ActionInput, ConditionInput, WorkflowInput } from './workflow-input';

/** Where a change's time and fresh ids come from (tests fix them). */
export interface ChangeContext {
  now: Date;
  newId?: typeof newId;
  /** A Standard Webhooks secret, whsec_ + base64 of 32 random bytes. */
  newSigningSecret?: () => string;
}

/** What delivery reports when a receiver answers 410 (an EndpointDisabled message). */
export interface EndpointGone {
  action_id: string;
  /** The URL that answered 410. */
  url: string;
  reason: string;
  disabled_at: string;
}

export type ChangeResult = { ok: true; state: WorkflowState; id?: string } | { ok: false; status: 404 | 422; codes: string[] };

/*
 * State-to-state shorthands for callers that keep no history: the command
 * is decided and its events folded into the state, then dropped. The rules
 * are decide's alone.
 */

/** The state after a command (unchanged when it makes no events), or why it was refused. */
export function applyCommand(state: WorkflowState, command: Exclude<WorkflowCommand, { type: 'create' | 'delete' }>, ctx: ChangeContext): ChangeResult {
  const decision = decide(command, state, ctx);
  if (!decision.ok) return decision;
  const events = stamp(decision.events, state, { workflow_id: state.id, tenant_id: state.tenant_id, actor: { type: 'platform', id: null }, request_id: null, now: ctx.now });
  const after = fold(events, state);
  if (!after) throw new Error(`${command.type} deleted workflow ${state.id}`);
  return decision.id === undefined ? { ok: true, state: after } : { ok: true, state: after, id: decision.id };
}

export function createWorkflow(tenantId: string, input: WorkflowInput, ctx: ChangeContext, subscription: SubscriptionInfo | null = null): WorkflowState {
  const decision = decide({ type: 'create', tenant_id: tenantId, input, subscription }, undefined, ctx);
  if (!decision.ok || decision.id === undefined) throw new Error(`a new workflow was refused: ${decision.ok ? 'no id' : decision.codes.join()}`);
  const created = fold(stamp(decision.events, undefined, { workflow_id: decision.id, tenant_id: tenantId, actor: { type: 'platform', id: null }, request_id: null, now: ctx.now }));
  if (!created) throw new Error(`workflow ${decision.id} was not created`);
  return created;
}

export const addAction = (state: WorkflowState, input: ActionInput, ctx: ChangeContext) => applyCommand(state, { type: 'add_action', input }, ctx);

export const replaceAction = (state: WorkflowState, actionId: string, input: ActionInput, ctx: ChangeContext) =>
  applyCommand(state, { type: 'replace_action', action_id: actionId, input }, ctx);

export const removeAction = (state: WorkflowState, actionId: string, ctx: ChangeContext) => applyCommand(state, { type: 'remove_action', action_id: actionId }, ctx);

export const addCondition = (state: WorkflowState, input: ConditionInput, ctx: ChangeContext) => applyCommand(state, { type: 'add_condition', input }, ctx);

export const replaceCondition = (state: WorkflowState, conditionId: string, input: ConditionInput, ctx: ChangeContext) =>
  applyCommand(state, { type: 'replace_condition', condition_id: conditionId, input }, ctx);

export const removeCondition = (state: WorkflowState, conditionId: string, ctx: ChangeContext) =>
  applyCommand(state, { type: 'remove_condition', condition_id: conditionId }, ctx);

export const rotateSigningSecret = (state: WorkflowState, actionId: string, graceMs: number, ctx: ChangeContext) =>
  applyCommand(state, { type: 'rotate_secret', action_id: actionId, grace_ms: graceMs }, ctx);

/** The state after a 410, or undefined when nothing changes (see decide's disable_endpoint). */
export function disableAction(state: WorkflowState, gone: EndpointGone, ctx: ChangeContext): WorkflowState | undefined {
  const result = applyCommand(state, { type: 'disable_endpoint', gone }, ctx);
  return result.ok && result.state.version !== state.version ? result.state : undefined;
}
