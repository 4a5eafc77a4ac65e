/**
 * The form a secret takes on a topic and in Postgres:
 * `hsenc:v1:<key id>:<base64url of IV (12 bytes) | ciphertext | GCM tag (16 bytes)>`.
 * Reading the form needs no key: a schema can tell a sealed value from a
 * clear one, and knows how many bytes it holds (GCM adds none).
 */
export const SEALED_PREFIX = 'hsenc:v1:';
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const SEALED = /^hsenc:v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]+)$/;

export function isKeyId(value: string): boolean {
  return KEY_ID.test(value);
}

export interface SealedParts {
  keyId: string;
  /** IV | ciphertext | tag. */
  payload: Buffer;
}

/** undefined: not of the sealed form, or too short to hold an IV and a tag. */
export function sealedParts(value: string): SealedParts | undefined {
  const match = SEALED.exec(value);
  if (!match) return undefined;
  const payload = Buffer.from(match[2], 'base64url');
  return payload.length >= IV_BYTES + TAG_BYTES ? { keyId: match[1], payload } : undefined;
}

export function isSealed(value: string): boolean {
  return sealedParts(value) !== undefined;
}

/** UTF-8 bytes of the secret, sealed or clear: limits stay those of the clear value. */
export function secretByteLength(value: string): number {
  const parts = sealedParts(value);
  return parts ? parts.payload.length - IV_BYTES - TAG_BYTES : Buffer.byteLength(value);
}
