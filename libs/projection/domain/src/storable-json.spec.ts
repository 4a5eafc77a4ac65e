import fc from 'fast-check';
import { MAX_STORED_DEPTH, nestingDepth, storableJson, storableJsonWithin } from './storable-json';

/** Every string a parsed value holds, keys included, found without recursion. */
function stringsIn(value: unknown): string[] {
  const found: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') found.push(v);
    else if (Array.isArray(v)) stack.push(...v);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push(k, x);
  }
  return found;
}

const storable = (text: string) => !text.includes('\u0000') && Buffer.from(text, 'utf8').toString('utf8') === text;
const hostileString = fc
  .array(fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udfff', '\\', '\\u0000', '"', '\ud83d\ude00'), fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u))), { maxLength: 20 })
  .map((units) => units.join(''));
const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileString, fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('value')), fc.dictionary(hostileString, tie('value'))),
})).value;

describe('storableJson', () => {
  it('escapes NUL as visible text and replaces lone surrogates, in keys and values, leaving escaped backslashes alone', () => {
    const text = storableJson({ 'k\u0000': ['a\u0000b', 'x\ud800y', '\ud83d\ude00', 'C:\\u0000', '\\\u0000'] });
    expect(JSON.parse(text)).toEqual({ 'k\\u0000': ['a\\u0000b', 'x\ufffdy', '\ud83d\ude00', 'C:\\u0000', '\\\\u0000'] });
  });

  it('yields JSON whose every string Postgres can store, and changes nothing else', () => {
    fc.assert(
      fc.property(hostileValue, (value) => {
        const text = storableJson(value);
        expect(stringsIn(JSON.parse(text)).every(storable)).toBe(true);
        if (stringsIn(value).every(storable)) expect(text).toBe(JSON.stringify(value));
      }),
    );
  });
});

describe('storableJsonWithin', () => {
  const nested = (depth: number) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = [v];
    return v;
  };

  it('refuses values nested deeper than the bound, even past what JSON.stringify reaches', () => {
    expect(storableJsonWithin(nested(MAX_STORED_DEPTH))).toBeDefined();
    expect(storableJsonWithin(nested(MAX_STORED_DEPTH + 1))).toBeUndefined();
    expect(storableJsonWithin(nested(20_000))).toBeUndefined();
  });

  it('counts depth without being fooled by brackets inside strings', () => {
    expect(nestingDepth(JSON.stringify({ a: '[[[{{{', b: ['"\\]'] }))).toBe(2);
    expect(nestingDepth(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)).toBe(50_000);
  });
});
