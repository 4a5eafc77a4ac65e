import fc from 'fast-check';

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
