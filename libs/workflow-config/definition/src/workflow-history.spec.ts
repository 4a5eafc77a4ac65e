import { WorkflowState } from '@hookstream/contracts';
import { actionInput, apply, conditionInput, created, fixedContext, SECRETS, scriptedHistory } from './__fixtures__/workflow-history';
import { fold } from './workflow-decider';
import { diffStates } from './workflow-history';

const mask = (secret: string) => `${secret.slice(0, 4)}${'*'.repeat(Math.max(0, secret.length - 4))}`;

/** Every secret value a state holds, in clear. */
const secretsOf = (state: WorkflowState) =>
  state.actions.flatMap((a) => [...Object.values(a.headers), ...(a.signature ? [a.signature.key] : []), ...a.signing_secrets]);

describe('diffStates', () => {
  const state = created();
  const [first, second] = state.actions;
  const [eventCondition, entityCondition] = state.conditions;

  it('for a created workflow: the fields it was created with, whole conditions and actions with their secrets masked', () => {
    expect(diffStates(undefined, state, mask)).toEqual([
      { field: 'name', to: 'Orders' },
      { field: 'active', to: true },
      { field: `conditions[${eventCondition.id}]`, to: eventCondition },
      { field: `conditions[${entityCondition.id}]`, to: entityCondition },
      {
        field: `actions[${first.id}]`,
        to: {
          ...first,
          headers: { Authorization: mask(SECRETS.authorization), 'X-Shop': mask(SECRETS.shop) },
          signature: { method: 'HMACSHA256', key: mask(SECRETS.signatureKey) },
          signing_secrets: first.signing_secrets.map(mask),
        },
      },
      { field: `actions[${second.id}]`, to: { ...second, signing_secrets: second.signing_secrets.map(mask) } },
    ]);
  });

  it('for a deleted workflow: what it had, as from', () => {
    const changes = diffStates(state, undefined, mask);
    expect(changes.map((c) => c.field)).toEqual(['name', 'active', `conditions[${eventCondition.id}]`, `conditions[${entityCondition.id}]`, `actions[${first.id}]`, `actions[${second.id}]`]);
    expect(changes.every((c) => 'from' in c && !('to' in c))).toBe(true);
  });

  it('names the fields a change made, ignoring version and updated_at', () => {
    const renamed = { ...state, name: 'Refunds', version: 9, updated_at: '2027-01-01T00:00:00.000Z' };
    expect(diffStates(state, renamed, mask)).toEqual([{ field: 'name', from: 'Orders', to: 'Refunds' }]);
    expect(diffStates(state, { ...state, version: 9 }, mask)).toEqual([]);
  });

  it('gives one action field per change, header by header, secrets masked', () => {
    const input = actionInput({ url: 'https://a.example.com/v2', headers: { Authorization: 'Bearer tok_new_9', 'X-Trace': 'trace-value-1' }, timeout_ms: 2_000 });
    const after = apply(state, { type: 'replace_action', action_id: first.id, input }, fixedContext()).state!;
    expect(diffStates(state, after, mask)).toEqual([
      { field: `actions[${first.id}].url`, from: 'https://a.example.com/hook', to: 'https://a.example.com/v2' },
      { field: `actions[${first.id}].headers.Authorization`, from: mask(SECRETS.authorization), to: mask('Bearer tok_new_9') },
      { field: `actions[${first.id}].headers.X-Shop`, from: mask(SECRETS.shop) },
      { field: `actions[${first.id}].headers.X-Trace`, to: mask('trace-value-1') },
      { field: `actions[${first.id}].signature`, from: { method: 'HMACSHA256', key: mask(SECRETS.signatureKey) } },
      { field: `actions[${first.id}].timeout_ms`, from: 10_000, to: 2_000 },
    ]);
  });

  it('shows a rotation as the signing secrets, masked, and the end of the grace period', () => {
    const after = apply(state, { type: 'rotate_secret', action_id: second.id, grace_ms: 60_000 }, { now: new Date('2026-12-01T09:00:00.000Z'), newSigningSecret: () => 'whsec_bmV3c2VjcmV0' }).state!;
    expect(diffStates(state, after, mask)).toEqual([
      { field: `actions[${second.id}].signing_secrets`, from: second.signing_secrets.map(mask), to: ['whsec_bmV3c2VjcmV0', ...second.signing_secrets].map(mask) },
      { field: `actions[${second.id}].previous_secrets_expire_at`, to: '2026-12-01T09:01:00.000Z' },
    ]);
  });

  it('shows a disabled endpoint, a changed condition, an added condition and a removed action', () => {
    const gone = { action_id: second.id, url: second.url, reason: 'gone', disabled_at: '2026-12-01T10:00:00.000Z' };
    let after = apply(state, { type: 'disable_endpoint', gone }, fixedContext()).state!;
    after = apply(after, { type: 'replace_condition', condition_id: entityCondition.id, input: conditionInput({ type: 'entity', entities: ['ent_a', 'ent_b'] }) }, fixedContext()).state!;
    const added = apply(after, { type: 'add_condition', input: conditionInput({ type: 'processing_channel', processing_channels: ['pc_a'] }) }, fixedContext(undefined, 'pc'));
    after = apply(added.state, { type: 'remove_action', action_id: first.id }, fixedContext()).state!;
    expect(diffStates(state, after, mask)).toEqual([
      { field: `conditions[${entityCondition.id}].entities`, from: ['ent_a'], to: ['ent_a', 'ent_b'] },
      { field: `conditions[${added.id}]`, to: { id: added.id, type: 'processing_channel', processing_channels: ['pc_a'] } },
      { field: `actions[${first.id}]`, from: expect.objectContaining({ id: first.id, signing_secrets: first.signing_secrets.map(mask) }) },
      { field: `actions[${second.id}].disabled_at`, from: null, to: '2026-12-01T10:00:00.000Z' },
      { field: `actions[${second.id}].disabled_reason`, from: null, to: 'gone' },
    ]);
  });

  it('shows no clear secret anywhere in a workflow history', () => {
    const history = scriptedHistory();
    const states = [undefined, ...history.map((_, i) => fold(history.slice(0, i + 1)))];
    const secrets = new Set(states.flatMap((s) => (s ? secretsOf(s) : [])));
    expect(secrets.size).toBeGreaterThan(6);
    const shown = JSON.stringify(states.slice(1).map((after, i) => diffStates(states[i], after, mask)));
    for (const secret of secrets) expect(shown).not.toContain(secret);
    // Each change is there, masked: the reseal alone changes nothing.
    expect(shown).toContain(mask('Bearer tok_clear_4'));
    const resealed = history.findIndex((e) => e.type === 'secrets.resealed');
    expect(diffStates(states[resealed], states[resealed + 1], mask)).toEqual([]);
  });
});
