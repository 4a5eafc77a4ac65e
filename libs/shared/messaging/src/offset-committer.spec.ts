import { systemClock } from './clock';
import { FinishedBatch, OffsetCommit, OffsetCommitter } from './offset-committer';

/** Lets resolved promises' callbacks run, with fake timers installed. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const batch = (partition: number, first: number, next: number): FinishedBatch => ({ topic: 't', partition, first: String(first), next: String(next) });

function setup(intervalMs = 200) {
  const commits: OffsetCommit[][] = [];
  const durable: string[] = [];
  const notDurable: { batch: FinishedBatch; err: unknown }[] = [];
  const committer = new OffsetCommitter(
    {
      commit: async (c) => void commits.push(c),
      durable: (b) => durable.push(`${b.partition}:${b.next}`),
      notDurable: (b, err) => notDurable.push({ batch: b, err }),
      commitFailed: () => undefined,
    },
    intervalMs,
    systemClock,
  );
  return { commits, durable, notDurable, committer };
}

describe('OffsetCommitter', () => {
  beforeEach(() => jest.useFakeTimers({ now: 10_000 }));
  afterEach(() => jest.useRealTimers());

  it('commits the first batch at once, then at most once per interval, all partitions in one request', async () => {
    const { commits, committer } = setup();
    await committer.finished(batch(0, 0, 5));
    expect(commits).toEqual([[{ topic: 't', partition: 0, offset: '5' }]]);
    await committer.finished(batch(0, 5, 8));
    await committer.finished(batch(1, 0, 3));
    expect(commits).toHaveLength(1);
    jest.advanceTimersByTime(200);
    await settle();
    expect(commits[1]).toEqual([
      { topic: 't', partition: 0, offset: '8' },
      { topic: 't', partition: 1, offset: '3' },
    ]);
  });

  it('commits a batch only once its work and every earlier batch’s of the partition are durable', async () => {
    const { commits, durable, committer } = setup(0);
    const slow = deferred();
    const quick = deferred();
    await committer.finished(batch(0, 0, 1), slow.promise);
    await committer.finished(batch(0, 1, 2), quick.promise);
    await committer.finished(batch(0, 2, 3));
    quick.resolve();
    await settle();
    expect(commits).toEqual([]);
    slow.resolve();
    await settle();
    expect(durable).toEqual(['0:1', '0:2', '0:3']);
    expect(commits.flat().map((c) => c.offset)).toEqual(['1', '2', '3']);
    expect(committer.hasWorkInFlight()).toBe(false);
  });

  it('commits nothing more once a batch’s work fails, and says which batch', async () => {
    const { commits, notDurable, committer } = setup(0);
    const failing = deferred();
    await committer.finished(batch(0, 0, 4), failing.promise);
    await committer.finished(batch(0, 4, 6));
    const err = new Error('insert refused');
    failing.reject(err);
    await settle();
    expect(notDurable).toEqual([{ batch: batch(0, 0, 4), err }]);
    await committer.finished(batch(1, 0, 2));
    await committer.flush();
    expect(commits).toEqual([]);
    await expect(committer.durableSoFar('t', 0)).resolves.toBeUndefined();
  });

  it('drops the staged offsets of partitions this member lost', async () => {
    const { commits, committer } = setup();
    await committer.finished(batch(0, 0, 1));
    await committer.finished(batch(0, 1, 2));
    await committer.finished(batch(1, 0, 2));
    committer.dropNotIn((_, p) => p === 1);
    jest.advanceTimersByTime(200);
    await settle();
    expect(commits[1]).toEqual([{ topic: 't', partition: 1, offset: '2' }]);
  });

  it('waits at most drainMs for work in flight when stopping, then commits what is durable', async () => {
    const { commits, committer } = setup(10_000);
    await committer.finished(batch(0, 0, 1));
    const never = deferred();
    const soon = deferred();
    await committer.finished(batch(1, 0, 1), soon.promise);
    await committer.finished(batch(2, 0, 1), never.promise);
    const drained = committer.drain(500);
    soon.resolve();
    await settle();
    jest.advanceTimersByTime(500);
    await drained;
    await committer.flush();
    expect(commits[1]).toEqual([{ topic: 't', partition: 1, offset: '1' }]);
  });
});
