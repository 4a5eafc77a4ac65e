/**
 * A position in projection's feed of attempts, in the order their writes
 * committed: the writing transaction's id (xid8), then the row's sequence
 * number. A feed serves only rows of transactions older than every one still
 * running, so no row ever appears behind a position already served, which a
 * sequence number alone cannot promise (a batch that took its numbers first
 * may commit last).
 */
export interface AttemptFeedPosition {
  transaction: bigint;
  seq: bigint;
}

const POSITION = /^(\d{1,20})\.(\d{1,19})$/;
const MAX_XID8 = 2n ** 64n - 1n;
const MAX_BIGINT = 2n ** 63n - 1n;

/** Opaque to clients (the SSE id, the `cursor` query parameter). */
export function encodeAttemptFeedCursor(position: AttemptFeedPosition): string {
  return Buffer.from(`${position.transaction}.${position.seq}`, 'utf8').toString('base64url');
}

/** undefined for anything that is not a position we issued (or could have). */
export function decodeAttemptFeedCursor(value: string): AttemptFeedPosition | undefined {
  if (value.length > 64 || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const match = POSITION.exec(Buffer.from(value, 'base64url').toString('utf8'));
  if (!match) return undefined;
  const [transaction, seq] = [BigInt(match[1]), BigInt(match[2])];
  return transaction <= MAX_XID8 && seq <= MAX_BIGINT ? { transaction, seq } : undefined;
}

/** Negative when a comes first in the feed, positive when b does, 0 for the same position. */
export function compareAttemptFeedPositions(a: AttemptFeedPosition, b: AttemptFeedPosition): number {
  if (a.transaction !== b.transaction) return a.transaction < b.transaction ? -1 : 1;
  return a.seq === b.seq ? 0 : a.seq < b.seq ? -1 : 1;
}
