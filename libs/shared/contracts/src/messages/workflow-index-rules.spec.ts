import { fingerprintOf, isDeliverable, readWorkflowConfig, WorkflowSetFingerprint } from './workflow-index-rules';

const enabled = { disabled_at: null };
const disabled = { disabled_at: '2026-12-01T10:00:00.000Z' };

describe('isDeliverable', () => {
  it('takes an active workflow with at least one enabled action', () => {
    expect(isDeliverable({ active: true, actions: [disabled, enabled] })).toBe(true);
    expect(isDeliverable({ active: false, actions: [enabled] })).toBe(false);
    expect(isDeliverable({ active: true, actions: [disabled] })).toBe(false);
    expect(isDeliverable({ active: true, actions: [] })).toBe(false);
  });
});

describe('workflow set fingerprints', () => {
  it('are the same whatever the order, and differ with any version or member', () => {
    const a = { id: 'wf_a', version: 1 };
    const b = { id: 'wf_b', version: 3 };
    expect(fingerprintOf([a, b])).toBe(fingerprintOf([b, a]));
    expect(fingerprintOf([a, b])).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf([a, { ...b, version: 4 }])).not.toBe(fingerprintOf([a, b]));
    expect(fingerprintOf([a])).not.toBe(fingerprintOf([a, b]));
    expect(fingerprintOf([])).toBe('0000000000000000');
  });

  it('follow changes one at a time to the fingerprint of the set they make', () => {
    const set = new WorkflowSetFingerprint();
    set.add('wf_a', 1);
    set.add('wf_b', 1);
    const before = set.copy();
    set.remove('wf_b', 1);
    set.add('wf_b', 2);
    expect(set.size).toBe(2);
    expect(set.toString()).toBe(fingerprintOf([{ id: 'wf_b', version: 2 }, { id: 'wf_a', version: 1 }]));
    // A copy is left as it was.
    expect(before.toString()).toBe(fingerprintOf([{ id: 'wf_a', version: 1 }, { id: 'wf_b', version: 1 }]));
    set.remove('wf_a', 1);
    set.remove('wf_b', 2);
    expect({ size: set.size, fingerprint: set.toString() }).toEqual({ size: 0, fingerprint: fingerprintOf([]) });
  });
});

describe('readWorkflowConfig', () => {
  const state = {
    id: 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa',
    tenant_id: 'ten_a',
    name: 'n',
    active: true,
    version: 2,
    conditions: [],
    actions: [],
    subscription: null,
    updated_at: '2026-12-01T10:00:00.000Z',
  };
  const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

  it('reads a state under its own id, and a tombstone', () => {
    expect(readWorkflowConfig(state.id, bytes(state))).toEqual({ state });
    expect(readWorkflowConfig(state.id, null)).toEqual({ state: null });
  });

  it('refuses a message without a key, outside the contract, or under another id', () => {
    expect(readWorkflowConfig(null, bytes(state))).toEqual({ reason: expect.stringMatching(/no key/) });
    expect(readWorkflowConfig(state.id, Buffer.from('{'))).toEqual({ reason: expect.stringMatching(/invalid JSON/) });
    expect(readWorkflowConfig(state.id, bytes({ ...state, version: 0 }))).toEqual({ reason: expect.stringMatching(/version/) });
    expect(readWorkflowConfig('wf_bbbbbbbbbbbbbbbbbbbbbbbbbb', bytes(state))).toEqual({ reason: expect.stringMatching(/is not the workflow's id/) });
  });
});
