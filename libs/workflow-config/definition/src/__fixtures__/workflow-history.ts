import { deterministicId, type IdPrefix, type WorkflowActor, type WorkflowEvent, type WorkflowState } from '@hookstream/contracts';
import type { ChangeContext } from '../workflow-changes';
import { decide, fold, stamp, type WorkflowCommand } from '../workflow-decider';
import { type ActionInput, type ConditionInput, readActionInput, readConditionInput, readWorkflowInput, type WorkflowInput } from '../workflow-input';

export const NOW = new Date('2026-12-01T09:00:00.000Z');
export const TENANT = 'ten_1';
export const ACTOR: WorkflowActor = { type: 'api_key', id: 'key_aaaaaaaaaaaaaaaaaaaaaaaaaa' };

/** Ids and secrets from one counter, so every run draws the same ones in the same order. */
export function fixedContext(now: Date = NOW, seed = 'spec'): ChangeContext {
  let n = 0;
  return {
    now,
    newId: (prefix: IdPrefix) => deterministicId(prefix, seed, String(n++)),
    newSigningSecret: () => `whsec_${Buffer.alloc(32, `${seed}${n++}`).toString('base64')}`,
  };
}

function accepted<T>(read: { ok: true; value: T } | { ok: false; codes: string[] }): T {
  if (!read.ok) throw new Error(read.codes.join());
  return read.value;
}

export const actionInput = (body: Record<string, unknown>): ActionInput => accepted(readActionInput({ type: 'webhook', ...body }));
export const conditionInput = (body: Record<string, unknown>): ConditionInput => accepted(readConditionInput(body));

/** Two actions, one with every kind of secret; two conditions. */
export const SECRETS = { authorization: 'Bearer tok_clear_1', shop: 'shop-secret-2', signatureKey: 'sig-key-clear-3' };
export const workflowInput = (): WorkflowInput =>
  accepted(
    readWorkflowInput({
      name: 'Orders',
      conditions: [
        { type: 'event', events: { gateway: ['payment_approved'] } },
        { type: 'entity', entities: ['ent_a'] },
      ],
      actions: [
        { type: 'webhook', url: 'https://a.example.com/hook', headers: { Authorization: SECRETS.authorization, 'X-Shop': SECRETS.shop }, signature: { key: SECRETS.signatureKey } },
        { type: 'webhook', url: 'https://b.example.com/hook', format: 'cloudevents', timeout_ms: 5_000 },
      ],
    }),
  );

export interface Applied {
  state: WorkflowState | undefined;
  events: WorkflowEvent[];
  id?: string;
}

/** A command decided, its events stamped and folded into the state; throws when refused. */
export function apply(state: WorkflowState | undefined, command: WorkflowCommand, ctx: ChangeContext): Applied {
  const decision = decide(command, state, ctx);
  if (!decision.ok) throw new Error(`${command.type} refused: ${decision.status} ${decision.codes.join()}`);
  const workflow_id = state?.id ?? decision.id;
  if (!workflow_id) throw new Error('no workflow id');
  const events = stamp(decision.events, state, { workflow_id, tenant_id: state?.tenant_id ?? TENANT, actor: ACTOR, request_id: 'req_1', now: ctx.now });
  return { state: fold(events, state), events, id: decision.id };
}

export function created(ctx: ChangeContext = fixedContext()): WorkflowState {
  const { state } = apply(undefined, { type: 'create', tenant_id: TENANT, input: workflowInput(), subscription: null }, ctx);
  if (!state) throw new Error('not created');
  return state;
}

/** A workflow's life that makes every event type but workflow.imported, in order. */
export function scriptedHistory(): WorkflowEvent[] {
  const ctx = fixedContext();
  const events: WorkflowEvent[] = [];
  let state: WorkflowState | undefined;
  const run = (command: WorkflowCommand) => {
    const applied = apply(state, command, ctx);
    events.push(...applied.events);
    state = applied.state;
    return applied;
  };
  run({ type: 'create', tenant_id: TENANT, input: workflowInput(), subscription: null });
  const first = () => state!.actions[0];
  run({ type: 'patch', patch: { name: 'Orders and refunds', active: false } });
  run({ type: 'patch', patch: { active: true } });
  run({ type: 'replace_action', action_id: first().id, input: actionInput({ url: 'https://a.example.com/v2', headers: { Authorization: 'Bearer tok_clear_4' }, signature: { key: 'sig-key-clear-6' } }) });
  run({ type: 'rotate_secret', action_id: first().id, grace_ms: 3_600_000 });
  run({ type: 'disable_endpoint', gone: { action_id: first().id, url: first().url, reason: 'gone', disabled_at: '2026-12-01T10:00:00.000Z' } });
  run({ type: 'enable_endpoint', action_id: first().id });
  const added = run({ type: 'add_action', input: actionInput({ url: 'https://c.example.com/hook', signature: { key: 'sig-key-clear-5' } }) });
  run({ type: 'remove_action', action_id: added.id! });
  const condition = run({ type: 'add_condition', input: conditionInput({ type: 'processing_channel', processing_channels: ['pc_a'] }) });
  run({ type: 'replace_condition', condition_id: condition.id!, input: conditionInput({ type: 'processing_channel', processing_channels: ['pc_b'] }) });
  run({ type: 'remove_condition', condition_id: condition.id! });
  run({ type: 'reseal' });
  run({ type: 'delete' });
  return events;
}
