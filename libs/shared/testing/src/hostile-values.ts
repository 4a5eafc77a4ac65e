import fc from 'fast-check';

/**
 * Hostile input as a tenant or a producer can send it, for property tests.
 * Values are raw JSON text: deep nesting, lone surrogates and numbers past
 * a double (`1e999` parses to Infinity) must reach the service exactly so,
 * and some of them cannot go through JSON.stringify or any recursion.
 */
export type HostileJson = string;

/** An object nested `depth` levels deep, built as text (a recursive builder would overflow the stack). */
export function deeplyNested(depth: number, kind: 'object' | 'array' = 'object'): HostileJson {
  return kind === 'object' ? `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}` : `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** Characters Postgres, JSON encoders or C strings refuse or mangle. */
export const HOSTILE_CHARACTERS = ['\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\u0001', '\u001b', '\u007f', '\u2028', '\ufeff', '\uffff'] as const;

/** Keys every plain object already has. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype', 'valueOf'] as const;

/** Past every cap on an id, a name, a header or a URL. */
export const OVERSIZED_LENGTH = 100_000;

export function hostileString(): fc.Arbitrary<string> {
  const char = fc.constantFrom(...HOSTILE_CHARACTERS);
  return fc.oneof(
    char,
    fc.tuple(fc.string({ maxLength: 8 }), char, fc.string({ maxLength: 8 })).map(([before, c, after]) => `${before}${c}${after}`),
    fc.constantFrom(...PROTOTYPE_NAMES),
    fc.constantFrom('', ' ', 'NaN', 'Infinity', '-0', '1e308', 'null', 'undefined', '%00', '../../etc/passwd', 'http://', 'evt_', 'wf_'),
    fc.constantFrom(OVERSIZED_LENGTH, 1_100_000).map((n) => 'x'.repeat(n)),
    fc.string({ unit: 'binary', maxLength: 40 }),
  );
}

/** Numbers a date, an int column or a timer cannot hold, as JSON text. */
export function hostileNumber(): fc.Arbitrary<HostileJson> {
  return fc.constantFrom('1e308', '-1e308', '1e999', '-1e999', '9007199254740993', '300000000000000', '-1', '0', '-0', '0.5', '4294967296', '1e-999');
}

export function deepNesting(): fc.Arbitrary<HostileJson> {
  return fc.tuple(fc.constantFrom(1_000, 5_000, 20_000), fc.constantFrom('object' as const, 'array' as const)).map(([depth, kind]) => deeplyNested(depth, kind));
}

/** The wrong type in place of whatever a field expects. */
export function wrongType(): fc.Arbitrary<HostileJson> {
  return fc.constantFrom('null', 'true', '[]', '{}', '[1,2]', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '["__proto__"]');
}

/** Any hostile value, as JSON text. */
export function hostileJson(): fc.Arbitrary<HostileJson> {
  return fc.oneof(
    { weight: 4, arbitrary: hostileString().map((s) => JSON.stringify(s)) },
    { weight: 2, arbitrary: hostileNumber() },
    { weight: 1, arbitrary: deepNesting() },
    { weight: 2, arbitrary: wrongType() },
  );
}

const SLOT = '\u0001hostile-slot\u0001';

/**
 * The JSON text of `base` with the value at `path` replaced by `hostile`
 * (the field is added when missing). Fields are dotted; array items are
 * numbers: `actions.0.headers.X-Auth`.
 */
export function withHostileField(base: unknown, path: string, hostile: HostileJson): string {
  const copy = structuredClone(base) as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = SLOT;
  const text = JSON.stringify(copy);
  return text.replace(JSON.stringify(SLOT), () => hostile);
}

/**
 * A string for a URL path segment, byte for byte: a lone surrogate becomes
 * its three-byte (invalid UTF-8) form, which encodeURIComponent refuses to
 * produce.
 */
export function hostilePathSegment(value: string): string {
  let out = '';
  for (const unit of value) {
    const code = unit.charCodeAt(0);
    if (unit.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else {
      out += encodeURIComponent(unit);
    }
  }
  return out;
}

/** Short strings as hostile producers and receivers send them: NUL, lone surrogates, quotes, backslashes, prototype names, any UTF-16 unit. */
export const hostileText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('', '\u0000', '\ud800', '\udfff', 'a\ud800b', '\udc00\ud800', '__proto__', 'constructor', '\\u0000', '"\\'),
    fc
      .array(
        fc.oneof(
          fc.constantFrom('\u0000', '\ud800', '\udbff', '\udc00', '\udfff', '\\', '"', '\n', '\ud83d\ude00'),
          fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
        ),
        { maxLength: 40 },
      )
      .map((units) => units.join('')),
  );

/** No NUL, and every surrogate paired: what Postgres and UTF-8 accept. */
export function isStorable(text: string): boolean {
  return !text.includes('\u0000') && Buffer.from(text, 'utf8').toString('utf8') === text;
}
