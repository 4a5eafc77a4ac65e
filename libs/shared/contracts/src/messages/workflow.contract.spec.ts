import examples from '../__fixtures__/workflow-config.messages.json';
import { decodeMessage } from '../contract';
import { Topics } from '../topics';
import { RetryScheduleBounds, WorkflowCeilings } from './workflow-limits';
import { idPattern } from '../ids';

/**
 * The consumer half of the config topic's contract: what workflow-config
 * publishes (these examples are its own output, kept in step by
 * libs/workflow-config/definition/src/workflow-state.contract.spec.ts) decodes
 * with the schema every consumer uses, unchanged.
 */
describe('config topic contract (Topics.workflowConfig)', () => {
  const bytes = (value: unknown) => (value === null ? null : Buffer.from(JSON.stringify(value)));

  it.each(examples.messages.map((m) => [m.what, m] as const))('accepts what workflow-config publishes: %s', (_, message) => {
    expect(message.key).toMatch(idPattern('wf'));
    const decoded = decodeMessage(Topics.workflowConfig, bytes(message.value));
    expect(decoded).toEqual({ ok: true, value: message.value });
  });

  it('covers a state with a subscription, a disabled action and a tombstone', () => {
    const values = examples.messages.map((m) => m.value);
    expect(values).toContainEqual(null);
    expect(values.some((v) => v?.subscription?.uuid)).toBe(true);
    expect(values.some((v) => v?.actions.some((a) => a.disabled_at !== null))).toBe(true);
  });

  it('rejects a state that lost what delivery needs', () => {
    const state = examples.messages.find((m) => m.value !== null)!.value!;
    const withoutSecrets = { ...state, actions: state.actions.map((a) => ({ ...a, signing_secrets: [] })) };
    expect(decodeMessage(Topics.workflowConfig, bytes(withoutSecrets))).toMatchObject({ ok: false, reason: expect.stringContaining('signing_secrets') });
    expect(decodeMessage(Topics.workflowConfig, bytes({ ...state, version: 0 }))).toMatchObject({ ok: false });
  });

  it('bounds every retry delay, their number and their sum, so every due time is a date', () => {
    const state = examples.messages.find((m) => m.value !== null)!.value!;
    const withDelays = (delays: number[]) => ({ ...state, actions: state.actions.map((a) => ({ ...a, retry_policy: delays })) });
    const day = 24 * 3_600_000;
    expect(decodeMessage(Topics.workflowConfig, bytes(withDelays([300_000_000_000_000])))).toMatchObject({ ok: false, reason: expect.stringContaining('retry_policy') });
    expect(decodeMessage(Topics.workflowConfig, bytes(withDelays(Array.from({ length: 26 }, () => 1_000))))).toMatchObject({ ok: false });
    expect(decodeMessage(Topics.workflowConfig, bytes(withDelays([7 * day, 7 * day, 7 * day, 7 * day, 3 * day])))).toMatchObject({ ok: false });
    expect(decodeMessage(Topics.workflowConfig, bytes(withDelays([RetryScheduleBounds.maxDelayMs, 0])))).toMatchObject({ ok: true });
  });

  it('refuses a state past its ceilings, and never lets a "__proto__" key become a prototype', () => {
    const state = examples.messages.find((m) => m.value !== null)!.value!;
    const tooBig = { ...state, actions: state.actions.map((a) => ({ ...a, url: `https://example.com/${'p'.repeat(WorkflowCeilings.urlLength)}` })) };
    expect(decodeMessage(Topics.workflowConfig, bytes(tooBig))).toMatchObject({ ok: false, reason: expect.stringContaining('url') });
    expect(decodeMessage(Topics.workflowConfig, bytes({ ...state, name: 'n'.repeat(WorkflowCeilings.stateBytes) }))).toMatchObject({ ok: false });
    // JSON.stringify cannot write an own "__proto__" key; JSON text can.
    const withProtoKey = (value: unknown) => Buffer.from(JSON.stringify(value).replace('"PROTO_KEY"', '"__proto__"'));
    const protoHeader = { ...state, actions: state.actions.map((a) => ({ ...a, headers: { PROTO_KEY: 'x' } })) };
    // zod leaves such a key out of what it returns (the API refuses it before it is ever stored).
    const headers = decodeMessage(Topics.workflowConfig, withProtoKey(protoHeader));
    if (!headers.ok || !headers.value) throw new Error('expected the state to decode');
    expect(Object.getPrototypeOf(headers.value.actions[0].headers)).toBe(Object.prototype);
    expect(Object.keys(headers.value.actions[0].headers)).toEqual([]);
    const protoSource = { ...state, conditions: [{ id: 'wfc_aaaaaaaaaaaaaaaaaaaaaaaaaa', type: 'event', events: { PROTO_KEY: ['x'] } }] };
    const source = decodeMessage(Topics.workflowConfig, withProtoKey(protoSource));
    if (!source.ok || !source.value || source.value.conditions[0].type !== 'event') throw new Error('expected the state to decode');
    expect(Object.getPrototypeOf(source.value.conditions[0].events)).toBe(Object.prototype);
    expect(Object.keys(source.value.conditions[0].events)).toEqual([]);
  });
});
