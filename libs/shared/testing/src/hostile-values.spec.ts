import fc from 'fast-check';
import { deeplyNested, hostileJson, hostilePathSegment, withHostileField } from './hostile-values';

describe('hostile values', () => {
  it('nests 20,000 levels as text, which JSON.parse reads back', () => {
    const text = deeplyNested(20_000);
    expect(text.length).toBeGreaterThan(100_000);
    let depth = 0;
    for (let node = JSON.parse(text); node.a !== undefined; node = node.a) depth++;
    expect(depth).toBe(20_000);
    expect(JSON.parse(deeplyNested(3, 'array'))).toEqual([[[]]]);
  });

  it('puts the raw text at a dotted path, adding what is missing, leaving the rest as it was', () => {
    const base = { source: 'gateway', actions: [{ url: 'u', headers: {} }] };
    expect(withHostileField(base, 'actions.0.headers.X-Auth', '"\\ud800"')).toBe('{"source":"gateway","actions":[{"url":"u","headers":{"X-Auth":"\\ud800"}}]}');
    expect(JSON.parse(withHostileField(base, 'data.deep', '1e999')).data.deep).toBe(Infinity);
    expect(base.actions[0].headers).toEqual({});
  });

  it('keeps lone surrogates as escapes and every value parseable JSON text', () => {
    expect(JSON.parse(withHostileField({}, 'id', JSON.stringify('\ud800'))).id).toBe('\ud800');
    fc.assert(fc.property(hostileJson(), (json) => expect(() => JSON.parse(json)).not.toThrow()), { seed: 7, numRuns: 200 });
  });

  it('encodes path segments byte for byte, lone surrogates as their invalid UTF-8 form', () => {
    expect(hostilePathSegment('a\u0000/b')).toBe('a%00%2Fb');
    expect(hostilePathSegment('\ud800')).toBe('%ED%A0%80');
    expect(hostilePathSegment('😀')).toBe(encodeURIComponent('😀'));
  });
});
