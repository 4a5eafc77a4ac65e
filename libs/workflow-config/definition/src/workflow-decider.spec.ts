import { WORKFLOW_EVENT_TYPES, WorkflowEvent, type WorkflowEventBody, type WorkflowEventType, WorkflowState } from '@hookstream/contracts';
import { ACTOR, actionInput, apply, conditionInput, created, fixedContext, NOW, scriptedHistory, TENANT, workflowInput } from './__fixtures__/workflow-history';
import { CorruptWorkflowStream, decide, evolve, fold, stamp, type WorkflowCommand } from './workflow-decider';

const HOUR = 3_600_000;

/** What an action given only its URL gets: the defaults, and a whsec_ secret of its own. */
const DEFAULTED_ACTION = {
  format: 'checkout',
  cloudevents_mode: 'structured',
  retry_policy: 'checkout',
  timeout_ms: 10_000,
  signing_secrets: [expect.stringMatching(/^whsec_/)],
  disabled_at: null,
  disabled_reason: null,
};

/** A command's event types, or its refusal. */
function decided(command: WorkflowCommand, state: WorkflowState | undefined, ctx = fixedContext(NOW, 'later')) {
  const decision = decide(command, state, ctx);
  return decision.ok ? decision.events.map((e) => e.type) : decision;
}

describe('decide', () => {
  describe('create', () => {
    it('makes one workflow.created with new ids, a whsec_ secret per action and the defaults; its id is the new workflow', () => {
      const decision = decide({ type: 'create', tenant_id: TENANT, input: workflowInput(), subscription: null }, undefined, fixedContext());
      if (!decision.ok) throw new Error('refused');
      expect(decision.id).toMatch(/^wf_[a-z2-7]{26}$/);
      expect(decision.events).toHaveLength(1);
      const [event] = decision.events;
      if (event.type !== 'workflow.created') throw new Error(event.type);
      expect(event.data).toMatchObject({ name: 'Orders', active: true, subscription: null });
      expect(event.data.conditions.map((c) => c.id)).toEqual([expect.stringMatching(/^wfc_/), expect.stringMatching(/^wfc_/)]);
      expect(event.data.actions[0]).toMatchObject({
        id: expect.stringMatching(/^wfa_/),
        ...DEFAULTED_ACTION,
      });
      expect(event.data.actions[1]).toMatchObject({ format: 'cloudevents', timeout_ms: 5_000 });
      expect(new Set(event.data.actions.map((a) => a.signing_secrets[0])).size).toBe(2);
    });

    it('keeps the subscription a MyCashflow workflow is made for', () => {
      const subscription = { uuid: '083c584d-ae65-11ec-aef4-0242ac130002', topic: 'order.created', expands: ['payments'] };
      const { state } = apply(undefined, { type: 'create', tenant_id: TENANT, input: workflowInput(), subscription }, fixedContext());
      expect(state?.subscription).toEqual(subscription);
    });

    it('refuses a workflow that exists (422)', () => {
      expect(decided({ type: 'create', tenant_id: TENANT, input: workflowInput(), subscription: null }, created())).toEqual({ ok: false, status: 422, codes: ['workflow_exists'] });
    });
  });

  it.each<WorkflowCommand>([
    { type: 'patch', patch: { name: 'x' } },
    { type: 'add_action', input: actionInput({ url: 'https://e.com' }) },
    { type: 'replace_action', action_id: 'wfa_x', input: actionInput({ url: 'https://e.com' }) },
    { type: 'remove_action', action_id: 'wfa_x' },
    { type: 'enable_endpoint', action_id: 'wfa_x' },
    { type: 'disable_endpoint', gone: { action_id: 'wfa_x', url: 'https://e.com', reason: 'gone', disabled_at: NOW.toISOString() } },
    { type: 'add_condition', input: conditionInput({ type: 'entity', entities: ['ent_a'] }) },
    { type: 'replace_condition', condition_id: 'wfc_x', input: conditionInput({ type: 'entity', entities: ['ent_a'] }) },
    { type: 'remove_condition', condition_id: 'wfc_x' },
    { type: 'rotate_secret', action_id: 'wfa_x', grace_ms: HOUR },
    { type: 'reseal' },
    { type: 'delete' },
  ])('answers 404 to $type on no workflow', (command) => {
    expect(decide(command, undefined, fixedContext())).toEqual({ ok: false, status: 404, codes: [] });
  });

  describe('patch', () => {
    const state = created();

    it('renames, activates and deactivates only what differs', () => {
      expect(decided({ type: 'patch', patch: { name: 'Refunds' } }, state)).toEqual(['workflow.renamed']);
      expect(decided({ type: 'patch', patch: { name: 'Orders', active: true } }, state)).toEqual([]);
      expect(decided({ type: 'patch', patch: {} }, state)).toEqual([]);
      expect(decided({ type: 'patch', patch: { active: false } }, state)).toEqual(['workflow.deactivated']);
      const inactive = apply(state, { type: 'patch', patch: { active: false } }, fixedContext()).state!;
      expect(decided({ type: 'patch', patch: { active: true, name: 'Refunds' } }, inactive)).toEqual(['workflow.renamed', 'workflow.activated']);
    });

    it('replaces the lists it is given: every current item removed, every new one added with a new id and secret', () => {
      const patch = { conditions: [conditionInput({ type: 'entity', entities: ['ent_b'] })], actions: [actionInput({ url: 'https://a.example.com/hook' })] };
      const applied = apply(state, { type: 'patch', patch }, fixedContext(NOW, 'patch'));
      expect(applied.events.map((e) => e.type)).toEqual(['condition.removed', 'condition.removed', 'condition.added', 'action.removed', 'action.removed', 'action.added']);
      const after = applied.state!;
      expect(after.conditions).toEqual([{ id: expect.not.stringMatching(new RegExp(state.conditions.map((c) => c.id).join('|'))), type: 'entity', entities: ['ent_b'] }]);
      expect(after.actions).toHaveLength(1);
      expect(after.actions[0].id).not.toBe(state.actions[0].id);
      expect(after.actions[0].signing_secrets).not.toEqual(state.actions[0].signing_secrets);
      expect(after.version).toBe(state.version + 6);
    });
  });

  describe('actions', () => {
    const state = created();
    const [first, second] = state.actions;

    it('adds an action with its own id and secret, defaults filled in', () => {
      const applied = apply(state, { type: 'add_action', input: actionInput({ url: 'https://c.example.com' }) }, fixedContext(NOW, 'add'));
      expect(applied.events.map((e) => e.type)).toEqual(['action.added']);
      expect(applied.state!.actions[2]).toEqual({
        id: applied.id,
        type: 'webhook',
        url: 'https://c.example.com',
        headers: {},
        ...DEFAULTED_ACTION,
      });
    });

    it('replaces an action: a new config, the options the input omits kept, secrets kept', () => {
      const applied = apply(state, { type: 'replace_action', action_id: second.id, input: actionInput({ url: 'https://b.example.com/v2' }) }, fixedContext());
      expect(applied.id).toBe(second.id);
      const [event] = applied.events;
      expect(event).toMatchObject({ type: 'action.updated', data: { action: { id: second.id, url: 'https://b.example.com/v2', format: 'cloudevents', timeout_ms: 5_000 } } });
      expect(event.data).not.toHaveProperty('action.signing_secrets');
      expect(applied.state!.actions[1]).toEqual({ ...second, url: 'https://b.example.com/v2' });
    });

    it('drops a signature the new config lacks, and makes no event for the same config', () => {
      const unsigned = apply(state, { type: 'replace_action', action_id: first.id, input: actionInput({ url: first.url, headers: first.headers }) }, fixedContext()).state!;
      expect(unsigned.actions[0]).not.toHaveProperty('signature');
      expect(decided({ type: 'replace_action', action_id: second.id, input: actionInput({ url: second.url }) }, state)).toEqual([]);
      const same = actionInput({ url: first.url, headers: first.headers, signature: first.signature });
      expect(decide({ type: 'replace_action', action_id: first.id, input: same }, state, fixedContext())).toEqual({ ok: true, events: [], id: first.id });
    });

    it('re-enables a disabled action whose URL changes (a new endpoint), not one whose URL stays', () => {
      const gone = { action_id: first.id, url: first.url, reason: 'receiver answered 410 Gone', disabled_at: '2026-12-01T10:00:00.000Z' };
      const disabled = apply(state, { type: 'disable_endpoint', gone }, fixedContext()).state!;
      const moved = apply(disabled, { type: 'replace_action', action_id: first.id, input: actionInput({ url: 'https://a.example.com/v2' }) }, fixedContext());
      expect(moved.events.map((e) => e.type)).toEqual(['action.updated', 'endpoint.enabled']);
      expect(moved.state!.actions[0]).toMatchObject({ url: 'https://a.example.com/v2', disabled_at: null, disabled_reason: null, signing_secrets: first.signing_secrets });
      const stayed = apply(disabled, { type: 'replace_action', action_id: first.id, input: actionInput({ url: first.url, timeout_ms: 1_000 }) }, fixedContext());
      expect(stayed.events.map((e) => e.type)).toEqual(['action.updated']);
      expect(stayed.state!.actions[0]).toMatchObject({ timeout_ms: 1_000, disabled_at: gone.disabled_at, disabled_reason: gone.reason });
    });

    it('keeps a rotation grace period through a replacement', () => {
      const rotated = apply(state, { type: 'rotate_secret', action_id: first.id, grace_ms: HOUR }, fixedContext(NOW, 'rotate')).state!;
      const replaced = apply(rotated, { type: 'replace_action', action_id: first.id, input: actionInput({ url: 'https://a.example.com/v3' }) }, fixedContext()).state!;
      expect(replaced.actions[0]).toMatchObject({ signing_secrets: rotated.actions[0].signing_secrets, previous_secrets_expire_at: '2026-12-01T10:00:00.000Z' });
    });

    it('refuses an unknown action (404) and removing the last one (422)', () => {
      const input = actionInput({ url: 'https://e.com' });
      expect(decided({ type: 'replace_action', action_id: 'wfa_unknown', input }, state)).toEqual({ ok: false, status: 404, codes: [] });
      expect(decided({ type: 'remove_action', action_id: 'wfa_unknown' }, state)).toEqual({ ok: false, status: 404, codes: [] });
      const one = apply(state, { type: 'remove_action', action_id: second.id }, fixedContext());
      expect(one.events).toMatchObject([{ type: 'action.removed', data: { action_id: second.id } }]);
      expect(one.state!.actions).toEqual([first]);
      expect(decided({ type: 'remove_action', action_id: first.id }, one.state)).toEqual({ ok: false, status: 422, codes: ['actions_required'] });
    });
  });

  describe('conditions', () => {
    const state = created();
    const [event, entity] = state.conditions;

    it('adds one of a type the workflow lacks, refuses a second of a type (422)', () => {
      const applied = apply(state, { type: 'add_condition', input: conditionInput({ type: 'processing_channel', processing_channels: ['pc_a'] }) }, fixedContext(NOW, 'c'));
      expect(applied.state!.conditions[2]).toEqual({ id: applied.id, type: 'processing_channel', processing_channels: ['pc_a'] });
      expect(decided({ type: 'add_condition', input: conditionInput({ type: 'entity', entities: ['ent_b'] }) }, state)).toEqual({
        ok: false,
        status: 422,
        codes: ['condition_type_duplicate'],
      });
    });

    it('replaces a condition when it changes, refusing an unknown one or a type another one has', () => {
      const input = conditionInput({ type: 'entity', entities: ['ent_b'] });
      const applied = apply(state, { type: 'replace_condition', condition_id: entity.id, input }, fixedContext());
      expect(applied.events).toMatchObject([{ type: 'condition.updated', data: { condition: { id: entity.id, type: 'entity', entities: ['ent_b'] } } }]);
      expect(applied.id).toBe(entity.id);
      expect(decided({ type: 'replace_condition', condition_id: entity.id, input: conditionInput({ type: 'entity', entities: ['ent_a'] }) }, state)).toEqual([]);
      expect(decided({ type: 'replace_condition', condition_id: 'wfc_unknown', input }, state)).toEqual({ ok: false, status: 404, codes: [] });
      const asEvent = conditionInput({ type: 'event', events: { gateway: ['payment_declined'] } });
      expect(decided({ type: 'replace_condition', condition_id: entity.id, input: asEvent }, state)).toEqual({ ok: false, status: 422, codes: ['condition_type_duplicate'] });
      expect(decided({ type: 'replace_condition', condition_id: event.id, input: asEvent }, state)).toEqual(['condition.updated']);
    });

    it('removes one, refusing an unknown one (404) or the last (422)', () => {
      expect(decided({ type: 'remove_condition', condition_id: 'wfc_unknown' }, state)).toEqual({ ok: false, status: 404, codes: [] });
      const one = apply(state, { type: 'remove_condition', condition_id: event.id }, fixedContext()).state!;
      expect(one.conditions).toEqual([entity]);
      expect(decided({ type: 'remove_condition', condition_id: entity.id }, one)).toEqual({ ok: false, status: 422, codes: ['conditions_required'] });
    });
  });

  describe('signing secrets', () => {
    const state = created();
    const [first, second] = state.actions;
    const original = first.signing_secrets[0];
    const ctx = () => ({ now: NOW, newSigningSecret: () => 'whsec_bmV3' });

    it('rotates: the new secret first, the one in force signing until the grace ends', () => {
      const applied = apply(state, { type: 'rotate_secret', action_id: first.id, grace_ms: 24 * HOUR }, ctx());
      expect(applied.events).toMatchObject([
        { type: 'secret.rotated', data: { action_id: first.id, signing_secrets: ['whsec_bmV3', original], previous_secrets_expire_at: '2026-12-02T09:00:00.000Z' } },
      ]);
      expect(applied.id).toBe(first.id);
      expect(applied.state!.actions).toEqual([{ ...first, signing_secrets: ['whsec_bmV3', original], previous_secrets_expire_at: '2026-12-02T09:00:00.000Z' }, second]);
    });

    it('without grace keeps only the new secret, and ends an earlier grace period', () => {
      const graced = apply(state, { type: 'rotate_secret', action_id: first.id, grace_ms: HOUR }, ctx()).state!;
      const applied = apply(graced, { type: 'rotate_secret', action_id: first.id, grace_ms: 0 }, { now: NOW, newSigningSecret: () => 'whsec_dGhpcmQ=' });
      expect(applied.events).toMatchObject([{ data: { signing_secrets: ['whsec_dGhpcmQ='], previous_secrets_expire_at: null } }]);
      expect(applied.state!.actions[0].signing_secrets).toEqual(['whsec_dGhpcmQ=']);
      expect(applied.state!.actions[0]).not.toHaveProperty('previous_secrets_expire_at');
    });

    it('a second rotation keeps only the secret in force before it', () => {
      const once = apply(state, { type: 'rotate_secret', action_id: first.id, grace_ms: HOUR }, ctx()).state!;
      const twice = apply(once, { type: 'rotate_secret', action_id: first.id, grace_ms: HOUR }, { now: NOW, newSigningSecret: () => 'whsec_dGhpcmQ=' }).state!;
      expect(twice.actions[0].signing_secrets).toEqual(['whsec_dGhpcmQ=', 'whsec_bmV3']);
      const afterGrace = apply(once, { type: 'rotate_secret', action_id: first.id, grace_ms: HOUR }, { now: new Date(NOW.getTime() + 2 * HOUR), newSigningSecret: () => 'whsec_dGhpcmQ=' });
      expect(afterGrace.state!.actions[0].signing_secrets).toEqual(['whsec_dGhpcmQ=', 'whsec_bmV3']);
    });

    it('refuses an unknown action (404)', () => {
      expect(decided({ type: 'rotate_secret', action_id: 'wfa_unknown', grace_ms: HOUR }, state)).toEqual({ ok: false, status: 404, codes: [] });
    });

    it('reseals every action secret as it is now, in one event that changes no value', () => {
      const applied = apply(state, { type: 'reseal' }, fixedContext());
      expect(applied.events).toMatchObject([
        {
          type: 'secrets.resealed',
          data: {
            actions: [
              { action_id: first.id, headers: first.headers, signature_key: first.signature!.key, signing_secrets: first.signing_secrets },
              { action_id: second.id, headers: {}, signature_key: null, signing_secrets: second.signing_secrets },
            ],
          },
        },
      ]);
      expect(applied.state).toEqual({ ...state, version: state.version + 1 });
    });
  });

  describe('endpoints', () => {
    const state = created();
    const [first] = state.actions;
    const gone = { action_id: first.id, url: first.url, reason: 'receiver answered 410 Gone', disabled_at: '2026-12-01T10:00:00.000Z' };

    it('disables an action once, and only while its URL is the one that answered 410', () => {
      const applied = apply(state, { type: 'disable_endpoint', gone }, fixedContext());
      expect(applied.events).toMatchObject([{ type: 'endpoint.disabled', data: gone }]);
      expect(applied.state!.actions[0]).toEqual({ ...first, disabled_at: gone.disabled_at, disabled_reason: gone.reason });
      expect(decided({ type: 'disable_endpoint', gone: { ...gone, disabled_at: '2026-12-01T11:00:00.000Z' } }, applied.state)).toEqual([]);
      expect(decided({ type: 'disable_endpoint', gone: { ...gone, url: 'https://old.example.com/hook' } }, state)).toEqual([]);
      expect(decided({ type: 'disable_endpoint', gone: { ...gone, action_id: 'wfa_unknown' } }, state)).toEqual([]);
    });

    it('enables a disabled action; an enabled one stays as it is; an unknown one is 404', () => {
      const disabled = apply(state, { type: 'disable_endpoint', gone }, fixedContext()).state!;
      const applied = apply(disabled, { type: 'enable_endpoint', action_id: first.id }, fixedContext());
      expect(applied.events.map((e) => e.type)).toEqual(['endpoint.enabled']);
      expect(applied.state!.actions[0]).toEqual(first);
      expect(decide({ type: 'enable_endpoint', action_id: first.id }, state, fixedContext())).toEqual({ ok: true, events: [], id: first.id });
      expect(decided({ type: 'enable_endpoint', action_id: 'wfa_unknown' }, state)).toEqual({ ok: false, status: 404, codes: [] });
    });
  });

  it('deletes: workflow.deleted, after which there is no state', () => {
    const applied = apply(created(), { type: 'delete' }, fixedContext());
    expect(applied.events.map((e) => e.type)).toEqual(['workflow.deleted']);
    expect(applied.state).toBeUndefined();
  });
});

describe('stamp', () => {
  it('numbers after the state (from 1 for a new workflow) and stamps whose, who, when and which request', () => {
    const state = created();
    const meta = { workflow_id: state.id, tenant_id: TENANT, actor: ACTOR, request_id: 'req_9', now: new Date('2026-12-05T00:00:00.000Z') };
    const bodies: WorkflowEventBody[] = [
      { type: 'workflow.renamed', data: { name: 'a' } },
      { type: 'workflow.deactivated', data: {} },
    ];
    expect(stamp(bodies, { ...state, version: 7 }, meta)).toEqual([
      { workflow_id: state.id, tenant_id: TENANT, version: 8, occurred_at: '2026-12-05T00:00:00.000Z', actor: ACTOR, request_id: 'req_9', ...bodies[0] },
      { workflow_id: state.id, tenant_id: TENANT, version: 9, occurred_at: '2026-12-05T00:00:00.000Z', actor: ACTOR, request_id: 'req_9', ...bodies[1] },
    ]);
    expect(stamp(bodies, undefined, meta).map((e) => e.version)).toEqual([1, 2]);
    expect(stamp([], state, meta)).toEqual([]);
  });

  it('makes events the WorkflowEvent schema takes as they are, for every type', () => {
    const events = scriptedHistory();
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(WORKFLOW_EVENT_TYPES.filter((t) => t !== 'workflow.imported')));
    for (const event of events) {
      const parsed = WorkflowEvent.safeParse(event);
      expect(parsed.error).toBeUndefined();
      expect(parsed.data).toEqual(event);
    }
  });
});

describe('evolve and fold', () => {
  const history = scriptedHistory();

  it('fold gives each version: the state after every event, with its number and time', () => {
    const states = history.map((_, i) => fold(history.slice(0, i + 1)));
    states.slice(0, -1).forEach((state, i) => {
      expect(WorkflowState.safeParse(state).success).toBe(true);
      expect(state).toMatchObject({ version: i + 1, updated_at: history[i].occurred_at, id: history[0].workflow_id, tenant_id: TENANT });
    });
    expect(states.at(-1)).toBeUndefined();
    // fold from a state goes on where it stands.
    expect(fold(history.slice(5, 9), states[4])).toEqual(states[8]);
  });

  it('starts from an imported state, numbered as the event', () => {
    const state = created();
    const imported = { ...history[0], type: 'workflow.imported' as const, version: 1, data: { state: { ...state, version: 41 } } };
    expect(evolve(undefined, imported)).toEqual({ ...state, version: 1 });
    expect(() => evolve(undefined, { ...imported, workflow_id: 'wf_bbbbbbbbbbbbbbbbbbbbbbbbbb' })).toThrow(CorruptWorkflowStream);
  });

  const at = (version: number) => fold(history.slice(0, version))!;
  /** Each event type that names an item, with an id the state lacks. */
  const unknownItem: [string, (event: WorkflowEvent) => WorkflowEvent][] = [
    ['action.updated', (e) => (e.type === 'action.updated' ? { ...e, data: { action: { ...e.data.action, id: 'wfa_cccccccccccccccccccccccccc' } } } : e)],
    ['action.removed', (e) => ({ ...e, type: 'action.removed', data: { action_id: 'wfa_cccccccccccccccccccccccccc' } }) as WorkflowEvent],
    ['condition.removed', (e) => ({ ...e, type: 'condition.removed', data: { condition_id: 'wfc_cccccccccccccccccccccccccc' } }) as WorkflowEvent],
    ['endpoint.enabled', (e) => ({ ...e, type: 'endpoint.enabled', data: { action_id: 'wfa_cccccccccccccccccccccccccc' } }) as WorkflowEvent],
  ];

  it.each(unknownItem)('throws on %s of an item the workflow lacks', (_type, corrupt) => {
    const updated = history.findIndex((e) => e.type === 'action.updated');
    expect(() => evolve(at(updated), corrupt(history[updated]))).toThrow(/corrupt event stream: workflow wf_\w+ version \d+ \((action|condition|endpoint)\.\w+\): no item/);
  });

  it('throws on a stream that cannot be: no first event, a second first event, a gap, another workflow, an item added twice', () => {
    expect(() => evolve(undefined, history[1])).toThrow(`corrupt event stream: workflow ${history[1].workflow_id} version 2 (${history[1].type}): no such workflow`);
    expect(() => evolve(at(3), { ...history[0], version: 4 })).toThrow(CorruptWorkflowStream);
    expect(() => evolve(at(3), { ...history[3], version: 5 })).toThrow(/does not follow version 3/);
    expect(() => evolve(at(3), { ...history[3], workflow_id: 'wf_bbbbbbbbbbbbbbbbbbbbbbbbbb' })).toThrow(/another workflow/);
    const added = history.findIndex((e) => e.type === 'action.added');
    expect(() => evolve(at(added + 1), { ...history[added], version: added + 2 })).toThrow(/already exists/);
    const deleted = history.length - 1;
    expect(() => fold([...history, { ...history[1], version: deleted + 2 }])).toThrow(/no such workflow/);
  });

  it('throws on a reseal that gives a signature key to an action without a signature', () => {
    const resealed = history.findIndex((e) => e.type === 'secrets.resealed');
    const event = history[resealed];
    if (event.type !== 'secrets.resealed') throw new Error(event.type);
    const wrong = { ...event, data: { actions: event.data.actions.map((a) => ({ ...a, signature_key: a.signature_key === null ? 'key' : null })) } };
    expect(() => evolve(at(resealed), wrong)).toThrow(/signature key/);
  });

  it('applies every event type (the list is the contract)', () => {
    const seen = new Set<WorkflowEventType>([...history.map((e) => e.type), 'workflow.imported']);
    expect([...seen].sort()).toEqual([...WORKFLOW_EVENT_TYPES].sort());
  });
});

describe('a patch', () => {
  it('changes what it names, one version per event', () => {
    const ctx = fixedContext();
    const state = created(ctx);
    const patched = apply(state, { type: 'patch', patch: { name: 'Renamed', active: false } }, { ...ctx, now: new Date('2026-12-02T00:00:00.000Z') }).state;
    expect(patched).toEqual({ ...state, name: 'Renamed', active: false, version: 3, updated_at: '2026-12-02T00:00:00.000Z' });
    expect(WorkflowState.parse(patched)).toEqual(patched);
  });
});
