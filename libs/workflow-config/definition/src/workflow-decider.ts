import { isDeepStrictEqual } from 'node:util';
import {
  type ActionConfig,
  ActionTimeout,
  newId,
  signingSecretsInForce,
  type SubscriptionInfo,
  type WebhookAction,
  type WorkflowActor,
  type WorkflowCondition,
  type WorkflowEvent,
  type WorkflowEventBody,
  type WorkflowState,
} from '@hookstream/contracts';
import { unhandled } from './exhaustive';
import type { ChangeContext, EndpointGone } from './workflow-changes';
import type { ActionInput, ConditionInput, WorkflowInput, WorkflowPatch } from './workflow-input';
import { newSigningSecret } from './workflow-secrets';

/*
 * A workflow's configuration is event-sourced: decide turns a command and
 * the current state into events (or a refusal), evolve folds an event into
 * the state. Every rule of a change lives in decide; evolve only applies
 * what an event says.
 */

/** What a tenant, an operator or the platform asks of one workflow. */
export type WorkflowCommand =
  | { type: 'create'; tenant_id: string; input: WorkflowInput; subscription: SubscriptionInfo | null }
  | { type: 'patch'; patch: WorkflowPatch }
  | { type: 'add_action'; input: ActionInput }
  | { type: 'replace_action'; action_id: string; input: ActionInput }
  | { type: 'remove_action'; action_id: string }
  | { type: 'enable_endpoint'; action_id: string }
  | { type: 'disable_endpoint'; gone: EndpointGone }
  | { type: 'add_condition'; input: ConditionInput }
  | { type: 'replace_condition'; condition_id: string; input: ConditionInput }
  | { type: 'remove_condition'; condition_id: string }
  | { type: 'rotate_secret'; action_id: string; grace_ms: number }
  | { type: 'reseal' }
  | { type: 'delete' };

/**
 * The events a command makes (none: nothing changes, no new version), and
 * the id of what it made or changed (the new workflow's, action's or
 * condition's); or why it was refused.
 */
export type Decision = { ok: true; events: WorkflowEventBody[]; id?: string } | { ok: false; status: 404 | 422; codes: string[] };

/** What stamps a decision's events: whose workflow, who, when, for which request. */
export interface EventMeta {
  workflow_id: string;
  tenant_id: string;
  actor: WorkflowActor;
  request_id: string | null;
  now: Date;
}

/** An event that cannot follow the state before it: the stream is corrupt, and no state can be trusted from it. */
export class CorruptWorkflowStream extends Error {
  constructor(event: Pick<WorkflowEvent, 'workflow_id' | 'version' | 'type'>, why: string) {
    super(`corrupt event stream: workflow ${event.workflow_id} version ${event.version} (${event.type}): ${why}`);
    this.name = 'CorruptWorkflowStream';
  }
}

const notFound: Decision = { ok: false, status: 404, codes: [] };
const refused = (...codes: string[]): Decision => ({ ok: false, status: 422, codes });
const decided = (events: WorkflowEventBody[], id?: string): Decision => (id === undefined ? { ok: true, events } : { ok: true, events, id });

const ids = (ctx: ChangeContext) => ctx.newId ?? newId;
const freshSecret = (ctx: ChangeContext) => (ctx.newSigningSecret ?? newSigningSecret)();

const findAction = (state: WorkflowState, id: string) => state.actions.find((a) => a.id === id);
const findCondition = (state: WorkflowState, id: string) => state.conditions.find((c) => c.id === id);

/** A condition is stored as it was read (the input is the stored condition without its id). */
const toCondition = (input: ConditionInput, id: string): WorkflowCondition => ({ id, ...input });

/** What the input sets; what it omits stays as the previous action had it, else the defaults. */
function toActionConfig(input: ActionInput, id: string, previous?: WebhookAction): ActionConfig {
  return {
    id,
    type: 'webhook',
    url: input.url,
    headers: input.headers,
    ...(input.signature ? { signature: input.signature } : {}),
    format: input.format ?? previous?.format ?? 'checkout',
    cloudevents_mode: input.cloudevents_mode ?? previous?.cloudevents_mode ?? 'structured',
    retry_policy: input.retry_policy ?? previous?.retry_policy ?? 'checkout',
    timeout_ms: input.timeout_ms ?? previous?.timeout_ms ?? ActionTimeout.defaultMs,
  };
}

function configOf(action: WebhookAction): ActionConfig {
  const { signing_secrets: _secrets, previous_secrets_expire_at: _ends, disabled_at: _at, disabled_reason: _reason, ...config } = action;
  return config;
}

/** A new action: a new id, then its first signing secret (in that order: tests fix both). */
function newAction(input: ActionInput, ctx: ChangeContext): WebhookAction {
  const config = toActionConfig(input, ids(ctx)('wfa'));
  return { ...config, signing_secrets: [freshSecret(ctx)], disabled_at: null, disabled_reason: null };
}

/** One of each condition type: a condition may not take a type another one has. */
const conditionTypeTaken = (state: WorkflowState, type: string, exceptId?: string) => state.conditions.some((c) => c.type === type && c.id !== exceptId);

/** Lists given in a patch replace the current ones whole: every current item removed, every new one added with a new id. */
function patchEvents(state: WorkflowState, patch: WorkflowPatch, ctx: ChangeContext): WorkflowEventBody[] {
  const events: WorkflowEventBody[] = [];
  if (patch.name !== undefined && patch.name !== state.name) events.push({ type: 'workflow.renamed', data: { name: patch.name } });
  if (patch.active !== undefined && patch.active !== state.active) events.push({ type: patch.active ? 'workflow.activated' : 'workflow.deactivated', data: {} });
  // New ids are drawn conditions first, then actions, as they always were.
  const conditions = patch.conditions?.map((c) => toCondition(c, ids(ctx)('wfc')));
  const actions = patch.actions?.map((a) => newAction(a, ctx));
  if (conditions) {
    for (const c of state.conditions) events.push({ type: 'condition.removed', data: { condition_id: c.id } });
    for (const condition of conditions) events.push({ type: 'condition.added', data: { condition } });
  }
  if (actions) {
    for (const a of state.actions) events.push({ type: 'action.removed', data: { action_id: a.id } });
    for (const action of actions) events.push({ type: 'action.added', data: { action } });
  }
  return events;
}

function replaceAction(state: WorkflowState, actionId: string, input: ActionInput): Decision {
  const previous = findAction(state, actionId);
  if (!previous) return notFound;
  const config = toActionConfig(input, actionId, previous);
  const events: WorkflowEventBody[] = [];
  if (!isDeepStrictEqual(config, configOf(previous))) events.push({ type: 'action.updated', data: { action: config } });
  // A new URL is a new endpoint: it starts enabled.
  if (previous.disabled_at !== null && previous.url !== config.url) events.push({ type: 'endpoint.enabled', data: { action_id: actionId } });
  return decided(events, actionId);
}

function replaceCondition(state: WorkflowState, conditionId: string, input: ConditionInput): Decision {
  const previous = findCondition(state, conditionId);
  if (!previous) return notFound;
  if (conditionTypeTaken(state, input.type, conditionId)) return refused('condition_type_duplicate');
  const condition = toCondition(input, conditionId);
  return decided(isDeepStrictEqual(condition, previous) ? [] : [{ type: 'condition.updated', data: { condition } }], conditionId);
}

/**
 * A new newest signing secret. The one it replaces keeps signing for
 * `graceMs`, so receivers can switch without losing a delivery; older ones
 * stop at once. No grace: only the new one signs.
 */
function rotateSecret(state: WorkflowState, actionId: string, graceMs: number, ctx: ChangeContext): Decision {
  const action = findAction(state, actionId);
  if (!action) return notFound;
  const fresh = freshSecret(ctx);
  const data =
    graceMs > 0
      ? {
          action_id: actionId,
          signing_secrets: [fresh, signingSecretsInForce(action, ctx.now)[0]],
          previous_secrets_expire_at: new Date(ctx.now.getTime() + graceMs).toISOString(),
        }
      : { action_id: actionId, signing_secrets: [fresh], previous_secrets_expire_at: null };
  return decided([{ type: 'secret.rotated', data }], actionId);
}

/**
 * The receiver answered 410: the action gets no more jobs. Nothing for an
 * unknown or already disabled action, or one whose URL has since changed: a
 * new URL is a new endpoint, so a late or replayed notice about the old one
 * leaves it alone.
 */
function disableEndpoint(state: WorkflowState, gone: EndpointGone): Decision {
  const action = findAction(state, gone.action_id);
  if (!action || action.disabled_at !== null || action.url !== gone.url) return decided([]);
  return decided([{ type: 'endpoint.disabled', data: { action_id: action.id, url: gone.url, reason: gone.reason, disabled_at: gone.disabled_at } }]);
}

/** Validates a command against the current state (secrets in clear): the events it makes, or why not. */
export function decide(command: WorkflowCommand, state: WorkflowState | undefined, ctx: ChangeContext): Decision {
  if (command.type === 'create') {
    if (state) return refused('workflow_exists');
    const id = ids(ctx)('wf');
    const conditions = command.input.conditions.map((c) => toCondition(c, ids(ctx)('wfc')));
    const actions = command.input.actions.map((a) => newAction(a, ctx));
    const { name, active } = command.input;
    return decided([{ type: 'workflow.created', data: { name, active, conditions, actions, subscription: command.subscription } }], id);
  }
  if (!state) return notFound;
  switch (command.type) {
    case 'patch':
      return decided(patchEvents(state, command.patch, ctx));
    case 'add_action': {
      const action = newAction(command.input, ctx);
      return decided([{ type: 'action.added', data: { action } }], action.id);
    }
    case 'replace_action':
      return replaceAction(state, command.action_id, command.input);
    case 'remove_action':
      // A workflow keeps at least one action.
      if (!findAction(state, command.action_id)) return notFound;
      if (state.actions.length === 1) return refused('actions_required');
      return decided([{ type: 'action.removed', data: { action_id: command.action_id } }]);
    case 'enable_endpoint': {
      const action = findAction(state, command.action_id);
      if (!action) return notFound;
      return decided(action.disabled_at === null ? [] : [{ type: 'endpoint.enabled', data: { action_id: action.id } }], action.id);
    }
    case 'disable_endpoint':
      return disableEndpoint(state, command.gone);
    case 'add_condition': {
      if (conditionTypeTaken(state, command.input.type)) return refused('condition_type_duplicate');
      const condition = toCondition(command.input, ids(ctx)('wfc'));
      return decided([{ type: 'condition.added', data: { condition } }], condition.id);
    }
    case 'replace_condition':
      return replaceCondition(state, command.condition_id, command.input);
    case 'remove_condition':
      // A workflow keeps at least one condition.
      if (!findCondition(state, command.condition_id)) return notFound;
      if (state.conditions.length === 1) return refused('conditions_required');
      return decided([{ type: 'condition.removed', data: { condition_id: command.condition_id } }]);
    case 'rotate_secret':
      return rotateSecret(state, command.action_id, command.grace_ms, ctx);
    case 'reseal':
      // The same values: the store seals them anew under the key ring's current key.
      return decided([
        {
          type: 'secrets.resealed',
          data: {
            actions: state.actions.map((a) => ({ action_id: a.id, headers: a.headers, signature_key: a.signature?.key ?? null, signing_secrets: a.signing_secrets })),
          },
        },
      ]);
    case 'delete':
      return decided([{ type: 'workflow.deleted', data: {} }]);
    default:
      return unhandled(command, 'workflow command');
  }
}

/** Numbers a decision's events after the state's version (from 1 for a new workflow) and says whose, who, when and why. */
export function stamp(bodies: readonly WorkflowEventBody[], state: WorkflowState | undefined, meta: EventMeta): WorkflowEvent[] {
  const occurred_at = meta.now.toISOString();
  const first = (state?.version ?? 0) + 1;
  return bodies.map((body, i) => ({
    workflow_id: meta.workflow_id,
    tenant_id: meta.tenant_id,
    version: first + i,
    occurred_at,
    actor: meta.actor,
    request_id: meta.request_id,
    ...body,
  }));
}

/** Applies a change to the state: the list item named must be there (it was when the event was decided). */
function replaceItem<T extends { id: string }>(items: readonly T[], id: string, change: (item: T) => T, event: WorkflowEvent): T[] {
  if (!items.some((item) => item.id === id)) throw new CorruptWorkflowStream(event, `no item ${id}`);
  return items.map((item) => (item.id === id ? change(item) : item));
}

function removeItem<T extends { id: string }>(items: readonly T[], id: string, event: WorkflowEvent): T[] {
  if (!items.some((item) => item.id === id)) throw new CorruptWorkflowStream(event, `no item ${id}`);
  return items.filter((item) => item.id !== id);
}

function addItem<T extends { id: string }>(items: readonly T[], item: T, event: WorkflowEvent): T[] {
  if (items.some((existing) => existing.id === item.id)) throw new CorruptWorkflowStream(event, `${item.id} already exists`);
  return [...items, item];
}

/** The new configuration; the signing secrets, a rotation's grace period and the disabled state stay. */
function withConfig(action: WebhookAction, config: ActionConfig): WebhookAction {
  return {
    ...config,
    signing_secrets: action.signing_secrets,
    ...(action.previous_secrets_expire_at !== undefined ? { previous_secrets_expire_at: action.previous_secrets_expire_at } : {}),
    disabled_at: action.disabled_at,
    disabled_reason: action.disabled_reason,
  };
}

type SealedSecrets = Extract<WorkflowEvent, { type: 'secrets.resealed' }>['data']['actions'][number];

/** The same secrets sealed anew: a signature key only where the action has a signature. */
function withResealed(action: WebhookAction, sealed: SealedSecrets, event: WorkflowEvent): WebhookAction {
  if ((action.signature === undefined) !== (sealed.signature_key === null)) throw new CorruptWorkflowStream(event, `the signature key of ${action.id} does not match`);
  return {
    ...action,
    headers: sealed.headers,
    ...(action.signature && sealed.signature_key !== null ? { signature: { ...action.signature, key: sealed.signature_key } } : {}),
    signing_secrets: sealed.signing_secrets,
  };
}

/** The state's fields an event other than the first or the last changes. */
function applyChange(state: WorkflowState, event: WorkflowEvent): WorkflowState {
  const changeAction = (id: string, change: (action: WebhookAction) => WebhookAction): WorkflowState => ({ ...state, actions: replaceItem(state.actions, id, change, event) });
  switch (event.type) {
    case 'workflow.renamed':
      return { ...state, name: event.data.name };
    case 'workflow.activated':
      return { ...state, active: true };
    case 'workflow.deactivated':
      return { ...state, active: false };
    case 'action.added':
      return { ...state, actions: addItem(state.actions, event.data.action, event) };
    case 'action.updated':
      return changeAction(event.data.action.id, (action) => withConfig(action, event.data.action));
    case 'action.removed':
      return { ...state, actions: removeItem(state.actions, event.data.action_id, event) };
    case 'condition.added':
      return { ...state, conditions: addItem(state.conditions, event.data.condition, event) };
    case 'condition.updated':
      return { ...state, conditions: replaceItem(state.conditions, event.data.condition.id, () => event.data.condition, event) };
    case 'condition.removed':
      return { ...state, conditions: removeItem(state.conditions, event.data.condition_id, event) };
    case 'secret.rotated': {
      const { signing_secrets, previous_secrets_expire_at: ends } = event.data;
      // No end: the grace period of an earlier rotation is over too.
      return changeAction(event.data.action_id, ({ previous_secrets_expire_at: _ended, ...action }) => ({
        ...action,
        signing_secrets,
        ...(ends !== null ? { previous_secrets_expire_at: ends } : {}),
      }));
    }
    case 'endpoint.disabled':
      return changeAction(event.data.action_id, (action) => ({ ...action, disabled_at: event.data.disabled_at, disabled_reason: event.data.reason }));
    case 'endpoint.enabled':
      return changeAction(event.data.action_id, (action) => ({ ...action, disabled_at: null, disabled_reason: null }));
    case 'secrets.resealed':
      return event.data.actions.reduce(
        (resealed, sealed) => ({ ...resealed, actions: replaceItem(resealed.actions, sealed.action_id, (action) => withResealed(action, sealed, event), event) }),
        state,
      );
    case 'workflow.created':
    case 'workflow.imported':
      throw new CorruptWorkflowStream(event, 'the workflow already exists');
    case 'workflow.deleted':
      throw new CorruptWorkflowStream(event, 'a deletion leaves no state to change');
    default:
      return unhandled(event, 'workflow event');
  }
}

/**
 * The state after one more event. An event that cannot follow the state
 * (anything but a first event on no state, a first event on a state, a
 * version out of order, a missing item) throws CorruptWorkflowStream.
 */
export function evolve(state: WorkflowState | undefined, event: WorkflowEvent): WorkflowState | undefined {
  if (state === undefined) {
    if (event.type === 'workflow.created') {
      const { name, active, conditions, actions, subscription } = event.data;
      return { id: event.workflow_id, tenant_id: event.tenant_id, name, active, version: event.version, conditions, actions, subscription, updated_at: event.occurred_at };
    }
    if (event.type === 'workflow.imported') {
      const imported = event.data.state;
      if (imported.id !== event.workflow_id || imported.tenant_id !== event.tenant_id) throw new CorruptWorkflowStream(event, 'the imported state is of another workflow');
      return { ...imported, version: event.version };
    }
    throw new CorruptWorkflowStream(event, 'no such workflow');
  }
  if (event.workflow_id !== state.id) throw new CorruptWorkflowStream(event, `an event of another workflow than ${state.id}`);
  if (event.version !== state.version + 1) throw new CorruptWorkflowStream(event, `does not follow version ${state.version}`);
  if (event.type === 'workflow.deleted') return undefined;
  return { ...applyChange(state, event), version: event.version, updated_at: event.occurred_at };
}

/** The state after every event, in order, from `from` (no state: from the first event). */
export function fold(events: readonly WorkflowEvent[], from?: WorkflowState): WorkflowState | undefined {
  return events.reduce<WorkflowState | undefined>(evolve, from);
}
