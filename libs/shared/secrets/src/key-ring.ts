import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { isKeyId, isSealed, IV_BYTES, SEALED_PREFIX, sealedParts, TAG_BYTES } from './sealed-secret';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/**
 * Opened values kept per ring. Every job of one workflow version carries the
 * same sealed strings, so delivery decrypts each once instead of on every
 * attempt (a decipher costs tens of µs; a lookup well under one).
 */
const OPENED_CACHE_ENTRIES = 10_000;

/** A sealed value this ring cannot open: unknown key id, tampered with, or not sealed at all. */
export class SecretOpenError extends Error {
  override readonly name = 'SecretOpenError';
}

/** HOOKSTREAM_ENCRYPTION_KEYS is malformed. */
export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
}

/**
 * The ring used when HOOKSTREAM_ENCRYPTION_KEYS is unset: derived from a
 * public phrase, so it protects nothing; production refuses it.
 */
export const DEVELOPMENT_KEY_ID = 'local-dev-insecure';
export const DEVELOPMENT_KEY_RING = `${DEVELOPMENT_KEY_ID}:${createHash('sha256').update('hookstream local development key: public, never for production').digest('base64')}`;

/**
 * AES-256-GCM keys by id. The first key seals; every key opens, so adding a
 * new first key (a rotation) keeps what older keys sealed readable until
 * it is sealed again with the new one.
 */
export class KeyRing {
  /** Sealed value -> clear text, least recently used first. Only values that opened intact get in. */
  private readonly opened = new Map<string, string>();

  private constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    readonly primaryKeyId: string,
  ) {}

  /** `k2:<base64 of 32 bytes>,k1:<base64 of 32 bytes>`: the first key seals, the rest only open. */
  static parse(text: string): KeyRing {
    const keys = new Map<string, Buffer>();
    const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
    if (entries.length === 0) throw new KeyRingError('holds no key (expected kid:<base64 of 32 bytes>, comma-separated, sealing key first)');
    for (const entry of entries) {
      const colon = entry.indexOf(':');
      const keyId = colon < 0 ? '' : entry.slice(0, colon);
      if (!isKeyId(keyId)) throw new KeyRingError(`entry ${keys.size + 1}: the key id must be 1-32 letters, digits, _ or - before a colon`);
      if (keys.has(keyId)) throw new KeyRingError(`key id '${keyId}' appears twice`);
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== KEY_BYTES) throw new KeyRingError(`key '${keyId}' is ${key.length} bytes, not ${KEY_BYTES} (base64 of 32 random bytes: openssl rand -base64 32)`);
      keys.set(keyId, key);
    }
    return new KeyRing(keys, entries[0].slice(0, entries[0].indexOf(':')));
  }

  /** Each key as its env entry (`kid:<base64>`): what production's check of published keys reads. */
  get secretTexts(): string[] {
    return [...this.keys].map(([keyId, key]) => `${keyId}:${key.toString('base64')}`);
  }

  seal(text: string): string {
    const key = this.keys.get(this.primaryKeyId) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(associatedData(this.primaryKeyId));
    const ciphertext = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    return `${SEALED_PREFIX}${this.primaryKeyId}:${Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url')}`;
  }

  /** The clear text; throws SecretOpenError for anything this ring did not seal intact. */
  open(sealed: string): string {
    const cached = this.opened.get(sealed);
    if (cached !== undefined) {
      this.opened.delete(sealed);
      this.opened.set(sealed, cached);
      return cached;
    }
    const clear = this.decrypt(sealed);
    this.opened.set(sealed, clear);
    if (this.opened.size > OPENED_CACHE_ENTRIES) this.opened.delete(this.opened.keys().next().value as string);
    return clear;
  }

  private decrypt(sealed: string): string {
    const parts = sealedParts(sealed);
    if (!parts) throw new SecretOpenError('not a sealed secret');
    const key = this.keys.get(parts.keyId);
    if (!key) throw new SecretOpenError(`sealed with key '${parts.keyId}', which HOOKSTREAM_ENCRYPTION_KEYS does not hold`);
    const { payload } = parts;
    const decipher = createDecipheriv(ALGORITHM, key, payload.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(parts.keyId));
    decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(payload.subarray(IV_BYTES, payload.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretOpenError(`sealed value with key '${parts.keyId}' fails its authentication tag: altered, or sealed by another key of that id`);
    }
  }

  /** A clear value stays as it is: rows and messages written before sealing stay readable until they are sealed. */
  openOrClear(value: string): string {
    if (!value.startsWith(SEALED_PREFIX)) return value;
    return this.opened.has(value) || isSealed(value) ? this.open(value) : value;
  }
}

/** The version and key id are authenticated: relabelling a ciphertext with another key id fails to open. */
function associatedData(keyId: string): Buffer {
  return Buffer.from(`${SEALED_PREFIX}${keyId}`);
}
