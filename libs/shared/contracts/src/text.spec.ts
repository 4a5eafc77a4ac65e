import fc from 'fast-check';
import { hasUnstorableCharacters, isUnfitIdentifier, PRINTABLE_TEXT } from './text';

describe('text from outside', () => {
  it('tells lone surrogates from pairs', () => {
    expect(hasUnstorableCharacters('a😀b')).toBe(false);
    expect(hasUnstorableCharacters('😀'.slice(0, 1))).toBe(true);
    expect(hasUnstorableCharacters('😀'.slice(1))).toBe(true);
    expect(hasUnstorableCharacters('\udc00\ud800')).toBe(true);
    expect(hasUnstorableCharacters('a\u0000')).toBe(true);
  });

  it('keeps control characters out of identifiers and printable text, not out of free text', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f), (code) => {
        const text = `a${String.fromCharCode(code)}b`;
        expect(isUnfitIdentifier(text)).toBe(true);
        expect(PRINTABLE_TEXT.test(text)).toBe(false);
        expect(hasUnstorableCharacters(text)).toBe(code === 0);
      }),
    );
  });

  it('accepts any well-formed Unicode text without control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        fc.pre(!/[\u0000-\u001f\u007f-\u009f]/.test(text)); // eslint-disable-line no-control-regex -- filtering them out is the point
        expect(isUnfitIdentifier(text)).toBe(false);
        expect(PRINTABLE_TEXT.test(text)).toBe(true);
      }),
    );
  });
});
