import fc from 'fast-check';
import { WorkflowEvent, WorkflowState } from '@hookstream/contracts';
import { actionInput, ACTOR, conditionInput, fixedContext, NOW, TENANT, workflowInput } from './__fixtures__/workflow-history';
import { decide, fold, stamp, type WorkflowCommand } from './workflow-decider';

const ACTIONS = [
  actionInput({ url: 'https://a.example.com/hook' }),
  actionInput({ url: 'https://a.example.com/hook', headers: { Authorization: 'Bearer x' }, signature: { key: 'k1' } }),
  actionInput({ url: 'https://b.example.com/hook', format: 'cloudevents', cloudevents_mode: 'binary', retry_policy: [1_000, 60_000], timeout_ms: 3_000 }),
  actionInput({ url: 'https://c.example.com/hook', headers: { 'X-Shop': 'shop' }, format: 'mycashflow', retry_policy: 'mycashflow' }),
];
const CONDITIONS = [
  [conditionInput({ type: 'event', events: { gateway: ['payment_approved'] } }), conditionInput({ type: 'event', events: { orders: ['order.created'] } })],
  [conditionInput({ type: 'entity', entities: ['ent_a'] }), conditionInput({ type: 'entity', entities: ['ent_a', 'ent_b'] })],
  [conditionInput({ type: 'processing_channel', processing_channels: ['pc_a'] })],
];

const KINDS = [
  'patch',
  'add_action',
  'replace_action',
  'remove_action',
  'enable_endpoint',
  'disable_endpoint',
  'add_condition',
  'replace_condition',
  'remove_condition',
  'rotate_secret',
  'reseal',
  'delete',
] as const satisfies readonly Exclude<WorkflowCommand['type'], 'create'>[];

const step = fc.record({
  // A deletion ends the sequence's changes: rarer than the rest.
  kind: fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...KINDS.filter((k) => k !== 'delete')) }, { weight: 1, arbitrary: fc.constant('delete' as const) }),
  pick: fc.nat(),
  input: fc.nat(),
  flags: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
});
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** An item of the list, or (one time in n+1) an id the workflow lacks. */
const idAmong = (items: { id: string }[], pick: number, unknown: string) => items[pick % (items.length + 1)]?.id ?? unknown;

/** A step as a command on the current state: mostly valid ones, with the refused kinds mixed in. */
function commandOf({ kind, pick, input, flags }: Step, state: WorkflowState): WorkflowCommand {
  const actionId = idAmong(state.actions, pick, 'wfa_unknown');
  const conditionId = idAmong(state.conditions, pick, 'wfc_unknown');
  const anAction = ACTIONS[input % ACTIONS.length];
  const ofType = CONDITIONS[input % CONDITIONS.length];
  const aCondition = ofType[pick % ofType.length];
  switch (kind) {
    case 'patch':
      return {
        type: 'patch',
        patch: {
          ...(flags[0] ? { name: `Name ${input % 3}` } : {}),
          ...(flags[1] ? { active: flags[2] } : {}),
          ...(flags[3] ? { conditions: CONDITIONS.filter((_, i) => i === input % 3 || flags[i]).map((options) => options[pick % options.length]) } : {}),
          ...(flags[4] ? { actions: ACTIONS.filter((_, i) => i === input % ACTIONS.length || flags[i]) } : {}),
        },
      };
    case 'add_action':
      return { type: 'add_action', input: anAction };
    case 'replace_action':
      return { type: 'replace_action', action_id: actionId, input: anAction };
    case 'remove_action':
    case 'enable_endpoint':
      return { type: kind, action_id: actionId };
    case 'disable_endpoint': {
      const url = state.actions.find((a) => a.id === actionId)?.url ?? 'https://e.com';
      return { type: 'disable_endpoint', gone: { action_id: actionId, url: flags[0] ? url : 'https://moved.example.com', reason: 'gone', disabled_at: NOW.toISOString() } };
    }
    case 'add_condition':
      return { type: 'add_condition', input: aCondition };
    case 'replace_condition':
      return { type: 'replace_condition', condition_id: conditionId, input: aCondition };
    case 'remove_condition':
      return { type: 'remove_condition', condition_id: conditionId };
    case 'rotate_secret':
      return { type: 'rotate_secret', action_id: actionId, grace_ms: flags[0] ? 3_600_000 : 0 };
    case 'reseal':
    case 'delete':
      return { type: kind };
  }
}

/** Any state for the commands a deleted workflow is asked: no id in it is one they name. */
const deleted = {
  id: 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  tenant_id: TENANT,
  name: 'gone',
  active: true,
  version: 1,
  conditions: [],
  actions: [],
  subscription: null,
  updated_at: NOW.toISOString(),
} satisfies WorkflowState;

describe('any sequence of commands', () => {
  it('folds, event by event, to a state the contract takes, numbered by its events, that a replay reproduces', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 4 }), fc.array(step, { maxLength: 30 }), (seed, steps) => {
        let ctx = fixedContext(NOW, seed);
        const first = decide({ type: 'create', tenant_id: TENANT, input: workflowInput(), subscription: null }, undefined, ctx);
        if (!first.ok || !first.id) throw new Error('not created');
        const workflow_id = first.id;
        const history: WorkflowEvent[] = [];
        let state: WorkflowState | undefined;
        const record = (events: WorkflowEvent[]) => {
          for (const event of events) expect(WorkflowEvent.safeParse(event).data).toEqual(event);
          history.push(...events);
          state = fold(events, state);
        };
        record(stamp(first.events, undefined, { workflow_id, tenant_id: TENANT, actor: ACTOR, request_id: null, now: ctx.now }));
        steps.forEach((s, i) => {
          // Time moves on, so rotations' grace periods start and end.
          ctx = { ...ctx, now: new Date(NOW.getTime() + i * 1_800_000) };
          if (!state) {
            expect(decide(commandOf(s, deleted), undefined, ctx)).toEqual({ ok: false, status: 404, codes: [] });
            return;
          }
          const decision = decide(commandOf(s, state), state, ctx);
          if (!decision.ok) {
            expect([404, 422]).toContain(decision.status);
            return;
          }
          record(stamp(decision.events, state, { workflow_id, tenant_id: TENANT, actor: ACTOR, request_id: `req_${i}`, now: ctx.now }));
          if (state) {
            const parsed = WorkflowState.safeParse(state);
            expect(parsed.error).toBeUndefined();
            expect(parsed.data).toEqual(state);
            expect(state.version).toBe(history.length);
            expect(state.actions.length).toBeGreaterThan(0);
            expect(state.conditions.length).toBeGreaterThan(0);
          }
        });
        expect(fold(history)).toEqual(state);
        expect(history.map((e) => e.version)).toEqual(history.map((_, i) => i + 1));
      }),
      { numRuns: 150 },
    );
  });
});
