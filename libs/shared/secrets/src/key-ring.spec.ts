import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { DEVELOPMENT_KEY_RING, KeyRing, KeyRingError, SecretOpenError } from './key-ring';
import { EncryptionKeysEnv } from './key-ring.env';
import { isSealed, SEALED_PREFIX, secretByteLength } from './sealed-secret';

const key = () => randomBytes(32).toString('base64');
const K1 = key();
const K2 = key();
const ring = KeyRing.parse(`k1:${K1}`);

describe('KeyRing', () => {
  it('opens what it sealed, for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const sealed = ring.seal(text);
        expect(isSealed(sealed)).toBe(true);
        expect(ring.open(sealed)).toBe(text);
        expect(secretByteLength(sealed)).toBe(Buffer.byteLength(text));
      }),
    );
  });

  it('refuses a sealed value with any byte changed', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (text, at, flip) => {
        const sealed = ring.seal(text);
        // Opened (and so remembered) first: the altered copy is still refused.
        expect(ring.open(sealed)).toBe(text);
        const body = sealed.slice(`${SEALED_PREFIX}k1:`.length);
        const bytes = Buffer.from(body, 'base64url');
        bytes[at % bytes.length] ^= flip;
        expect(() => ring.open(`${SEALED_PREFIX}k1:${bytes.toString('base64url')}`)).toThrow(SecretOpenError);
      }),
    );
  });

  it('never gives the same ciphertext twice, and never holds the clear text', () => {
    const a = ring.seal('whsec_c2VjcmV0');
    expect(a).not.toBe(ring.seal('whsec_c2VjcmV0'));
    expect(a).not.toContain('c2VjcmV0');
  });

  it('refuses a ciphertext relabelled with another key id, even one whose key would decrypt it', () => {
    const sameKeyTwoIds = KeyRing.parse(`a:${K1},b:${K1}`);
    const sealed = sameKeyTwoIds.seal('secret');
    expect(() => sameKeyTwoIds.open(sealed.replace(`${SEALED_PREFIX}a:`, `${SEALED_PREFIX}b:`))).toThrow(SecretOpenError);
  });

  it('names an unknown key id', () => {
    const other = KeyRing.parse(`k9:${K2}`);
    expect(() => other.open(ring.seal('x'))).toThrow(/key 'k1', which HOOKSTREAM_ENCRYPTION_KEYS does not hold/);
  });

  it('refuses a value that is not sealed, unless asked to take clear values as they are', () => {
    expect(() => ring.open('whsec_c2VjcmV0')).toThrow(SecretOpenError);
    expect(ring.openOrClear('whsec_c2VjcmV0')).toBe('whsec_c2VjcmV0');
    expect(ring.openOrClear(ring.seal('x'))).toBe('x');
  });

  describe('rotation', () => {
    const rotated = KeyRing.parse(`k2:${K2},k1:${K1}`);

    it('a new first key seals; what the old key sealed still opens', () => {
      const old = ring.seal('old secret');
      expect(rotated.open(old)).toBe('old secret');
      expect(rotated.seal('new').startsWith(`${SEALED_PREFIX}k2:`)).toBe(true);
      // The old ring cannot read what the new key sealed: roll out the ring before the new key seals.
      expect(() => ring.open(rotated.seal('new'))).toThrow(SecretOpenError);
    });
  });

  describe('parse', () => {
    it.each([
      ['', /holds no key/],
      ['k1', /key id/],
      [`bad id:${K1}`, /key id/],
      [`k1:${K1},k1:${K2}`, /appears twice/],
      ['k1:c2hvcnQ=', /5 bytes, not 32/],
    ])('refuses %j', (text, message) => {
      expect(() => KeyRing.parse(text)).toThrow(KeyRingError);
      expect(() => KeyRing.parse(text)).toThrow(message);
    });

    it('the default development ring works, and shows its keys as their env entries', () => {
      const dev = KeyRing.parse(DEVELOPMENT_KEY_RING);
      expect(dev.open(dev.seal('x'))).toBe('x');
      expect(dev.secretTexts).toEqual([DEVELOPMENT_KEY_RING]);
      expect(KeyRing.parse(`k2:${K2},k1:${K1}`).secretTexts).toEqual([`k2:${K2}`, `k1:${K1}`]);
    });
  });

  describe('EncryptionKeysEnv', () => {
    it('defaults to the development ring and parses a given one', () => {
      expect(EncryptionKeysEnv.parse({}).HOOKSTREAM_ENCRYPTION_KEYS.secretTexts).toEqual([DEVELOPMENT_KEY_RING]);
      expect(EncryptionKeysEnv.parse({ HOOKSTREAM_ENCRYPTION_KEYS: `k2:${K2},k1:${K1}` }).HOOKSTREAM_ENCRYPTION_KEYS.primaryKeyId).toBe('k2');
    });

    it('names what is wrong with a malformed ring', () => {
      const result = EncryptionKeysEnv.safeParse({ HOOKSTREAM_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].message).toMatch(/not 32/);
    });
  });
});

describe('the sealed form', () => {
  it('is not mistaken for a clear secret, nor a clear one for it', () => {
    expect(isSealed('whsec_abc')).toBe(false);
    expect(isSealed('hsenc:v1:k1:')).toBe(false);
    expect(isSealed('hsenc:v1:k1:c2hvcnQ')).toBe(false);
    expect(isSealed(ring.seal(''))).toBe(true);
    expect(secretByteLength('héllo')).toBe(6);
  });
});
