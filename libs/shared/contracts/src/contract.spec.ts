import { decodeMessage } from './contract';
import { Topics } from './topics';
import { deterministicId, idPattern, isId, newId } from './ids';

describe('ids', () => {
  it('are a prefix and 26 lowercase base32 characters', () => {
    const id = newId('wf');
    expect(id).toMatch(/^wf_[a-z2-7]{26}$/);
    expect(isId('wf', id)).toBe(true);
    expect(isId('wfa', id)).toBe(false);
  });

  it('derive the same id from the same parts', () => {
    expect(deterministicId('ivc', 'evt_a', 'wf_b')).toBe(deterministicId('ivc', 'evt_a', 'wf_b'));
    expect(deterministicId('ivc', 'evt_a', 'wf_b')).not.toBe(deterministicId('ivc', 'evt_a', 'wf_c'));
    expect(deterministicId('ivc', 'x')).toMatch(idPattern('ivc'));
  });
});

describe('decodeMessage', () => {
  it('says why bytes are not JSON', () => {
    const r = decodeMessage(Topics.events, Buffer.from('{nope'));
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('invalid JSON') });
  });

  it('names the fields that break the schema', () => {
    const r = decodeMessage(Topics.events, Buffer.from(JSON.stringify({ id: 'evt_x' })));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/id: must be a evt_ id/);
  });

  it('reads a null value of the compacted config topic as a tombstone', () => {
    expect(decodeMessage(Topics.workflowConfig, null)).toEqual({ ok: true, value: null });
  });
});
