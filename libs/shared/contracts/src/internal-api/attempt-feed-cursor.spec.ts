import { compareAttemptFeedPositions, decodeAttemptFeedCursor, encodeAttemptFeedCursor } from './attempt-feed-cursor';

describe('attempt feed cursor', () => {
  it('round-trips positions, up to the largest xid8 and bigint', () => {
    for (const position of [
      { transaction: 0n, seq: 0n },
      { transaction: 75_884n, seq: 12n },
      { transaction: 2n ** 64n - 1n, seq: 2n ** 63n - 1n },
    ]) {
      expect(decodeAttemptFeedCursor(encodeAttemptFeedCursor(position))).toEqual(position);
    }
  });

  it('refuses what it did not issue', () => {
    const encoded = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
    for (const hostile of ['', 'garbage!', encoded('1'), encoded('1.2.3'), encoded('-1.2'), encoded('1.x'), encoded(`${2n ** 64n}.1`), encoded(`1.${2n ** 63n}`), 'A'.repeat(65)]) {
      expect(decodeAttemptFeedCursor(hostile)).toBeUndefined();
    }
  });

  it('orders by transaction, then by sequence number', () => {
    const p = (transaction: bigint, seq: bigint) => ({ transaction, seq });
    expect(compareAttemptFeedPositions(p(1n, 9n), p(2n, 1n))).toBeLessThan(0);
    expect(compareAttemptFeedPositions(p(2n, 1n), p(2n, 2n))).toBeLessThan(0);
    expect(compareAttemptFeedPositions(p(3n, 1n), p(2n, 5n))).toBeGreaterThan(0);
    expect(compareAttemptFeedPositions(p(2n, 2n), p(2n, 2n))).toBe(0);
  });
});
