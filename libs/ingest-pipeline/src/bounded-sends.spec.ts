import { MAX_SEND_BYTES, sendBounded } from './bounded-sends';

describe('sendBounded', () => {
  it('splits a batch into sends below the limit, in order, and sends a single oversized item alone', async () => {
    const sizes = [MAX_SEND_BYTES / 2, MAX_SEND_BYTES / 2, 1, MAX_SEND_BYTES * 2, 10];
    const sends: number[][] = [];
    await sendBounded(sizes.map((size, i) => ({ i, size })), (item) => item.size, async (chunk) => {
      sends.push(chunk.map((item) => item.i));
    });
    expect(sends).toEqual([[0, 1], [2], [3], [4]]);
  });

  it('sends nothing for nothing', async () => {
    const send = jest.fn(async () => undefined);
    await sendBounded([], () => 1, send);
    expect(send).not.toHaveBeenCalled();
  });
});
