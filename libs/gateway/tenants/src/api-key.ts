import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Every secret key starts so; the guard looks up nothing else. */
export const SECRET_KEY_PREFIX = 'sk_';

/**
 * How a key is stored: the SHA-256 hex of the whole key. A key is 192 random
 * bits, so a fast unsalted hash leaves nothing to guess, and the lookup is
 * one indexed equality.
 */
export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const newApiKey = (): string => `${SECRET_KEY_PREFIX}${randomBytes(24).toString('base64url')}`;

/** The only part of a key kept beside its hash, to tell keys apart in a list. */
export const lastFour = (key: string): string => key.slice(-4);

/** How a list shows a key: its prefix and last four characters; keys stored before those were kept show the prefix alone. */
export const maskApiKey = (last4: string | null): string => (last4 === null ? `${SECRET_KEY_PREFIX}…` : `${SECRET_KEY_PREFIX}…${last4}`);

// RFC 3339 with its offset; zod checks the day exists (Date would take 30 February for 2 March).
const Rfc3339 = z.iso.datetime({ offset: true });

/** A key's expiry as the admin API takes it, or undefined when it is not an RFC 3339 time. */
export function parseExpiry(text: string): Date | undefined {
  return Rfc3339.safeParse(text).success ? new Date(text) : undefined;
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** Whether a key still authenticates at `now`: a revocation holds from the moment it is stored, and wins over expiry. */
export function apiKeyStatus(key: { revokedAt: Date | null; expiresAt: Date | null }, now: Date): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

/**
 * The stored bootstrap keys to revoke at start: every one but the key the
 * environment names now, so a key whose variable is gone or changed stops
 * working instead of living on unnoticed.
 */
export function staleBootstrapKeys<K extends { keyHash: string }>(stored: readonly K[], configuredKey: string | undefined): K[] {
  const keep = configuredKey === undefined ? undefined : hashApiKey(configuredKey);
  return stored.filter((key) => key.keyHash !== keep);
}
