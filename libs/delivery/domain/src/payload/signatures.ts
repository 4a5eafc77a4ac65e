import { createHmac } from 'node:crypto';

/** Cko-Signature / X-Caf-Signature: hex HMAC-SHA256 of the raw body. */
export function hmacSha256Hex(key: string, body: string): string {
  return createHmac('sha256', key).update(body, 'utf8').digest('hex');
}

const SECRET_PREFIX = 'whsec_';

/**
 * Standard Webhooks `webhook-signature`: one `v1,<base64>` per secret,
 * space-separated, over `${id}.${timestamp}.${body}`; the key is the
 * base64-decoded part of `whsec_…`. Every secret signs, so a receiver holding
 * either the old or the new one during a rotation verifies.
 */
export function standardWebhookSignature(secrets: readonly string[], messageId: string, timestampSec: number, body: string): string {
  const content = `${messageId}.${timestampSec}.${body}`;
  return secrets
    .map((secret) => {
      const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
      return `v1,${createHmac('sha256', key).update(content, 'utf8').digest('base64')}`;
    })
    .join(' ');
}
