import { randomBytes } from 'node:crypto';
import { newId, SubscriptionInfo, WebhookAction, WorkflowCondition, WorkflowState } from '@hookstream/contracts';
import type { ActionInput, ConditionInput, WorkflowInput, WorkflowPatch } from './workflow-input';

/** Where a change's time and fresh ids come from (tests fix them). */
export interface ChangeContext {
  now: Date;
  newId?: typeof newId;
  /** A Standard Webhooks secret, whsec_ + base64 of 32 random bytes. */
  newSigningSecret?: () => string;
}

export type ChangeResult = { ok: true; state: WorkflowState; id?: string } | { ok: false; status: 404 | 422; codes: string[] };

export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

const ids = (ctx: ChangeContext) => ctx.newId ?? newId;

/** A condition is stored as it was read (ConditionInputOf is the stored condition without its id). */
function toCondition(input: ConditionInput, id: string): WorkflowCondition {
  return { id, ...input };
}

/** An update keeps the action's id, signing secrets and disabled state unless stated. */
function toAction(input: ActionInput, id: string, signingSecrets: string[], previous?: WebhookAction): WebhookAction {
  return {
    id,
    type: 'webhook',
    url: input.url,
    headers: input.headers,
    ...(input.signature ? { signature: input.signature } : {}),
    format: input.format ?? previous?.format ?? 'checkout',
    cloudevents_mode: input.cloudevents_mode ?? previous?.cloudevents_mode ?? 'structured',
    retry_policy: input.retry_policy ?? previous?.retry_policy ?? 'checkout',
    timeout_ms: input.timeout_ms ?? previous?.timeout_ms ?? 10_000,
    signing_secrets: signingSecrets,
    // A rotation's grace period outlives changes to the action.
    ...(previous?.previous_secrets_expire_at ? { previous_secrets_expire_at: previous.previous_secrets_expire_at } : {}),
    // A new URL is a new endpoint: it starts enabled.
    disabled_at: previous && previous.url === input.url ? previous.disabled_at : null,
    disabled_reason: previous && previous.url === input.url ? previous.disabled_reason : null,
  };
}

function newAction(input: ActionInput, ctx: ChangeContext): WebhookAction {
  return toAction(input, ids(ctx)('wfa'), [(ctx.newSigningSecret ?? newSigningSecret)()]);
}

/** A change's new state: the next version, stamped now. */
export function next(state: WorkflowState, ctx: ChangeContext, change: Partial<WorkflowState>): WorkflowState {
  return { ...state, ...change, version: state.version + 1, updated_at: ctx.now.toISOString() };
}

function conditionTypeTaken(state: WorkflowState, type: string, exceptId?: string): boolean {
  return state.conditions.some((c) => c.type === type && c.id !== exceptId);
}

export function createWorkflow(tenantId: string, input: WorkflowInput, ctx: ChangeContext, subscription: SubscriptionInfo | null = null): WorkflowState {
  return {
    id: ids(ctx)('wf'),
    tenant_id: tenantId,
    name: input.name,
    active: input.active,
    version: 1,
    conditions: input.conditions.map((c) => toCondition(c, ids(ctx)('wfc'))),
    actions: input.actions.map((a) => newAction(a, ctx)),
    subscription,
    updated_at: ctx.now.toISOString(),
  };
}

export function patchWorkflow(state: WorkflowState, patch: WorkflowPatch, ctx: ChangeContext): ChangeResult {
  const change: Partial<WorkflowState> = {};
  if (patch.name !== undefined) change.name = patch.name;
  if (patch.active !== undefined) change.active = patch.active;
  if (patch.conditions) change.conditions = patch.conditions.map((c) => toCondition(c, ids(ctx)('wfc')));
  if (patch.actions) change.actions = patch.actions.map((a) => newAction(a, ctx));
  return { ok: true, state: next(state, ctx, change) };
}

export function addAction(state: WorkflowState, input: ActionInput, ctx: ChangeContext): ChangeResult {
  const action = newAction(input, ctx);
  return { ok: true, state: next(state, ctx, { actions: [...state.actions, action] }), id: action.id };
}

export function replaceAction(state: WorkflowState, actionId: string, input: ActionInput, ctx: ChangeContext): ChangeResult {
  const previous = state.actions.find((a) => a.id === actionId);
  if (!previous) return { ok: false, status: 404, codes: [] };
  const action = toAction(input, actionId, previous.signing_secrets, previous);
  return { ok: true, state: next(state, ctx, { actions: state.actions.map((a) => (a.id === actionId ? action : a)) }), id: actionId };
}

/** A workflow keeps at least one action. */
export function removeAction(state: WorkflowState, actionId: string, ctx: ChangeContext): ChangeResult {
  if (!state.actions.some((a) => a.id === actionId)) return { ok: false, status: 404, codes: [] };
  if (state.actions.length === 1) return { ok: false, status: 422, codes: ['actions_required'] };
  return { ok: true, state: next(state, ctx, { actions: state.actions.filter((a) => a.id !== actionId) }) };
}

export function addCondition(state: WorkflowState, input: ConditionInput, ctx: ChangeContext): ChangeResult {
  if (conditionTypeTaken(state, input.type)) return { ok: false, status: 422, codes: ['condition_type_duplicate'] };
  const condition = toCondition(input, ids(ctx)('wfc'));
  return { ok: true, state: next(state, ctx, { conditions: [...state.conditions, condition] }), id: condition.id };
}

export function replaceCondition(state: WorkflowState, conditionId: string, input: ConditionInput, ctx: ChangeContext): ChangeResult {
  if (!state.conditions.some((c) => c.id === conditionId)) return { ok: false, status: 404, codes: [] };
  if (conditionTypeTaken(state, input.type, conditionId)) return { ok: false, status: 422, codes: ['condition_type_duplicate'] };
  const condition = toCondition(input, conditionId);
  return { ok: true, state: next(state, ctx, { conditions: state.conditions.map((c) => (c.id === conditionId ? condition : c)) }), id: conditionId };
}

/** A workflow keeps at least one condition. */
export function removeCondition(state: WorkflowState, conditionId: string, ctx: ChangeContext): ChangeResult {
  if (!state.conditions.some((c) => c.id === conditionId)) return { ok: false, status: 404, codes: [] };
  if (state.conditions.length === 1) return { ok: false, status: 422, codes: ['conditions_required'] };
  return { ok: true, state: next(state, ctx, { conditions: state.conditions.filter((c) => c.id !== conditionId) }) };
}

/** What delivery reports when a receiver answers 410 (an EndpointDisabled message). */
export interface EndpointGone {
  action_id: string;
  /** The URL that answered 410. */
  url: string;
  reason: string;
  disabled_at: string;
}

/**
 * The receiver answered 410: the action gets no more jobs. undefined (no
 * change) for an unknown or already disabled action, or one whose URL has
 * since changed: a new URL is a new endpoint, so a late or replayed notice
 * about the old one leaves it alone.
 */
export function disableAction(state: WorkflowState, gone: EndpointGone, ctx: ChangeContext): WorkflowState | undefined {
  const action = state.actions.find((a) => a.id === gone.action_id);
  if (!action || action.disabled_at !== null || action.url !== gone.url) return undefined;
  return next(state, ctx, {
    actions: state.actions.map((a) => (a.id === gone.action_id ? { ...a, disabled_at: gone.disabled_at, disabled_reason: gone.reason } : a)),
  });
}
