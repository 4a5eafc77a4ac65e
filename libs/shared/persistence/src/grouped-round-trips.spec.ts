import { GroupedBatchWrites, GroupedRoundTrips } from './grouped-round-trips';

/** A round-trip function whose calls are answered by the test, one at a time. */
function controlledRoundTrip() {
  const calls: { inputs: readonly number[]; answer: (results: readonly string[]) => void; fail: (err: Error) => void }[] = [];
  const roundTrip = (inputs: readonly number[]) =>
    new Promise<readonly string[]>((resolve, reject) => {
      calls.push({ inputs, answer: resolve, fail: reject });
    });
  return { calls, roundTrip };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('GroupedRoundTrips', () => {
  it('runs a call at once when nothing runs, and groups the calls made meanwhile into the next round trip', async () => {
    const { calls, roundTrip } = controlledRoundTrip();
    const group = new GroupedRoundTrips(roundTrip);
    const first = group.submit(1);
    expect(calls.map((c) => c.inputs)).toEqual([[1]]);
    const later = [group.submit(2), group.submit(3), group.submit(4)];
    await settle();
    expect(calls).toHaveLength(1);
    calls[0].answer(['r1']);
    await expect(first).resolves.toBe('r1');
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2, 3, 4]]);
    calls[1].answer(['r2', 'r3', 'r4']);
    await expect(Promise.all(later)).resolves.toEqual(['r2', 'r3', 'r4']);
  });

  it('keeps a group within maxWeight, and lets one call heavier than that go alone', async () => {
    const { calls, roundTrip } = controlledRoundTrip();
    const group = new GroupedRoundTrips(roundTrip, { weight: (n) => n, maxWeight: 10 });
    const results = [group.submit(1), group.submit(4), group.submit(5), group.submit(2), group.submit(30), group.submit(1)];
    for (let i = 0; i < 5; i++) {
      await settle();
      calls[i].answer(calls[i].inputs.map(String));
    }
    await expect(Promise.all(results)).resolves.toEqual(['1', '4', '5', '2', '30', '1']);
    expect(calls.map((c) => c.inputs)).toEqual([[1], [4, 5], [2], [30], [1]]);
  });

  it('runs up to `lanes` round trips at once, grouping only what arrives while every lane is busy', async () => {
    const { calls, roundTrip } = controlledRoundTrip();
    const group = new GroupedRoundTrips(roundTrip, { lanes: 2 });
    const results = [group.submit(1), group.submit(2), group.submit(3), group.submit(4)];
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2]]);
    calls[1].answer(['r2']);
    await settle();
    expect(calls.map((c) => c.inputs)).toEqual([[1], [2], [3, 4]]);
    calls[0].answer(['r1']);
    calls[2].answer(['r3', 'r4']);
    await expect(Promise.all(results)).resolves.toEqual(['r1', 'r2', 'r3', 'r4']);
  });

  it('fails every call of a failed group, and only those: the next group goes ahead', async () => {
    const { calls, roundTrip } = controlledRoundTrip();
    const group = new GroupedRoundTrips(roundTrip);
    const first = group.submit(1);
    const second = [group.submit(2), group.submit(3)];
    calls[0].fail(new Error('connection reset'));
    await expect(first).rejects.toThrow('connection reset');
    await settle();
    calls[1].answer(['r2', 'r3']);
    await expect(Promise.all(second)).resolves.toEqual(['r2', 'r3']);
  });

  it('fails a group whose round trip answers a result count other than its calls', async () => {
    const group = new GroupedRoundTrips(async () => ['only one']);
    const first = group.submit(1);
    const both = [group.submit(2), group.submit(3)];
    await expect(first).resolves.toBe('only one');
    await expect(Promise.all(both)).rejects.toThrow('round trip answered 1 results for 2 calls');
  });
});

describe('GroupedBatchWrites', () => {
  /** A write whose calls the test answers one at a time; a batch holding a negative number fails. */
  function controlledWrite() {
    const calls: { items: readonly number[]; done: () => void }[] = [];
    const write = (items: readonly number[]) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ items, done: () => (items.some((n) => n < 0) ? reject(new Error(`poison in ${items.join(',')}`)) : resolve()) });
      });
    return { calls, write };
  }

  it('writes the batches that waited in one call', async () => {
    const { calls, write } = controlledWrite();
    const writes = new GroupedBatchWrites(write);
    const first = writes.write([1]);
    const later = [writes.write([2, 3]), writes.write([4])];
    calls[0].done();
    await first;
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1].done();
    await expect(Promise.all(later)).resolves.toEqual([undefined, undefined]);
  });

  it('when a joint write fails, writes each batch alone, so only the failing batch fails', async () => {
    const { calls, write } = controlledWrite();
    const writes = new GroupedBatchWrites(write);
    const first = writes.write([1]);
    const good = writes.write([2]);
    const bad = writes.write([-3]);
    calls[0].done();
    await first;
    await settle();
    calls[1].done(); // [2, -3] together: fails
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, -3], [2]]);
    calls[2].done();
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, -3], [2], [-3]]);
    calls[3].done();
    await expect(good).resolves.toBeUndefined();
    await expect(bad).rejects.toThrow('poison in -3');
  });
});
