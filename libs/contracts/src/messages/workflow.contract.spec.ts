import examples from '../__fixtures__/workflow-config.messages.json';
import { Contracts, decodeMessage } from '../contract';
import { idPattern } from '../ids';

/**
 * The consumer half of the config topic's contract: what workflow-config
 * publishes (these examples are its own output, kept in step by
 * libs/workflow-definition/src/workflow-state.contract.spec.ts) decodes
 * with the schema every consumer uses, unchanged.
 */
describe('config topic contract (Contracts.workflowConfig)', () => {
  const bytes = (value: unknown) => (value === null ? null : Buffer.from(JSON.stringify(value)));

  it.each(examples.messages.map((m) => [m.what, m] as const))('accepts what workflow-config publishes: %s', (_, message) => {
    expect(message.key).toMatch(idPattern('wf'));
    const decoded = decodeMessage(Contracts.workflowConfig, bytes(message.value));
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
    expect(decodeMessage(Contracts.workflowConfig, bytes(withoutSecrets))).toMatchObject({ ok: false, reason: expect.stringContaining('signing_secrets') });
    expect(decodeMessage(Contracts.workflowConfig, bytes({ ...state, version: 0 }))).toMatchObject({ ok: false });
  });
});
