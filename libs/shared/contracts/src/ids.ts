import { randomBytes, createHash } from 'node:crypto';
import { z } from 'zod';

// Checkout.com-style ids: a prefix, "_", then 26 lowercase base32 characters.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const BODY_LENGTH = 26;

export const IdPrefix = {
  workflow: 'wf',
  action: 'wfa',
  condition: 'wfc',
  event: 'evt',
  invocation: 'ivc',
  tenant: 'ten',
  apiKey: 'key',
  command: 'cmd',
  /** An asynchronous reflow the gateway runs (GET /workflows/events/reflow/{id}). */
  reflow: 'rfl',
} as const;
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];

function encode(bytes: Buffer): string {
  let out = '';
  for (let i = 0; i < BODY_LENGTH; i++) out += ALPHABET[bytes[i] & 31];
  return out;
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${encode(randomBytes(BODY_LENGTH))}`;
}

/** The same parts always give the same id: retries and reflows reuse it. */
export function deterministicId(prefix: IdPrefix, ...parts: string[]): string {
  return `${prefix}_${encode(createHash('sha256').update(parts.join('\u0000')).digest())}`;
}

export function idPattern(prefix: IdPrefix): RegExp {
  return new RegExp(`^${prefix}_[a-z2-7]{${BODY_LENGTH}}$`);
}

export function isId(prefix: IdPrefix, value: unknown): value is string {
  return typeof value === 'string' && idPattern(prefix).test(value);
}

export const idSchema = (prefix: IdPrefix) => z.string().regex(idPattern(prefix), `must be a ${prefix}_ id`);
