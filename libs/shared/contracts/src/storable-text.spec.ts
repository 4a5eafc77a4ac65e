import fc from 'fast-check';
import { hostileText, isStorable } from '@hookstream/testing';
import { storableText, wellFormed } from './text';

describe('storableText', () => {
  it('escapes NUL as visible text and replaces lone surrogates, keeping pairs', () => {
    expect(storableText('ok\u0000done\ud800 \ud83d\ude00 \udc00', 100)).toBe('ok\\u0000done\ufffd \ud83d\ude00 \ufffd');
  });

  it('caps without splitting a surrogate pair', () => {
    expect(storableText('ab\ud83d\ude00', 3)).toBe('ab');
    expect(storableText('ab\ud83d\ude00', 4)).toBe('ab\ud83d\ude00');
  });

  it('makes any string storable and at most the cap, and leaves storable text as it is', () => {
    fc.assert(
      fc.property(hostileText(), fc.integer({ min: 1, max: 50 }), (text, cap) => {
        const stored = storableText(text, cap);
        expect(isStorable(stored)).toBe(true);
        expect(stored.length).toBeLessThanOrEqual(cap);
        if (isStorable(text) && text.length <= cap) expect(stored).toBe(text);
      }),
    );
  });
});

describe('wellFormed', () => {
  it('is what a UTF-8 round trip makes of the text', () => {
    fc.assert(fc.property(hostileText(), (text) => expect(wellFormed(text)).toBe(Buffer.from(text, 'utf8').toString('utf8'))));
  });
});
