import { createLogger } from '@hookstream/logging';
import { systemClock } from './clock';
import { BatchHandlingResult, BatchIsolation, HandlerRequests, PartitionBatch } from './batch-isolation';
import { DEFAULT_HANDLING_POLICY, TransientError } from './handling-policy';
import { RestartSupervisor } from './restart-supervisor';

interface Message {
  offset: string;
  name: string;
}

const logger = createLogger({ service: 'test', level: 'silent' });

/** A batch of messages named `names` from offset 10, whose handler the test describes per call. */
function setup(names: string[], behave: (messages: Message[], requests: HandlerRequests) => Promise<void>, stuckAfterAttempts = 10) {
  const supervisor = new RestartSupervisor(stuckAfterAttempts, systemClock);
  const isolation = new BatchIsolation(DEFAULT_HANDLING_POLICY, supervisor, systemClock, logger);
  const calls: string[][] = [];
  const deadLetters: { name: string; reason: string }[] = [];
  const state = { current: true, earlier: Promise.resolve() as Promise<void> };
  const messages = names.map((name, i) => ({ offset: String(10 + i), name }));
  const batch: PartitionBatch<Message> = {
    topic: 't',
    partition: 0,
    first: '10',
    last: String(9 + names.length),
    messages,
    handle: async (ms, requests) => {
      calls.push(ms.map((m) => m.name));
      await behave(ms, requests);
    },
    deadLetter: async (m, err) => void deadLetters.push({ name: m.name, reason: (err as Error).message }),
    earlierDurable: () => state.earlier,
    isCurrent: () => state.current,
    heartbeat: async () => undefined,
  };
  return { supervisor, isolation, batch, calls, deadLetters, state };
}

/** Runs handling to its end, moving the fake clock through every backoff. */
async function run(isolation: BatchIsolation, batch: PartitionBatch<Message>): Promise<BatchHandlingResult> {
  let result: BatchHandlingResult | undefined;
  void isolation.handle(batch).then((r) => (result = r));
  for (let i = 0; i < 1_000 && result === undefined; i++) await jest.advanceTimersByTimeAsync(100);
  if (!result) throw new Error('handling did not finish');
  return result;
}

const poison = (name: string) => async (ms: Message[]) => {
  if (ms.some((m) => m.name === name)) throw new Error(`cannot handle ${name}`);
};

describe('BatchIsolation', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('hands a batch that succeeds through with its requests, at once', async () => {
    const durable = Promise.resolve();
    const { isolation, batch, calls } = setup(['a', 'b'], async (_, r) => void (r.durable = durable));
    await expect(isolation.handle(batch)).resolves.toEqual({ kind: 'done', next: '12', requests: { durable } });
    expect(calls).toEqual([['a', 'b']]);
  });

  it('keeps what the handler rejected while it went one by one, for the consumer to dead-letter, and drops what a failed try rejected', async () => {
    const { isolation, batch } = setup(['a', 'poison', 'unfit'], async (ms, r) => {
      for (const m of ms) if (m.name === 'unfit' || m.name === 'a') (r.rejected ??= []).push({ message: { offset: m.offset, headers: {} }, reason: `${m.name} rejected` });
      await poison('poison')(ms);
    });
    const result = await run(isolation, batch);
    expect(result).toEqual({
      kind: 'done',
      next: '13',
      requests: {
        rejected: [
          { message: { offset: '10', headers: {} }, reason: 'a rejected' },
          { message: { offset: '12', headers: {} }, reason: 'unfit rejected' },
        ],
      },
    });
  });

  it('retries a failing batch, then handles each message alone and dead-letters the one that keeps failing', async () => {
    const { isolation, batch, calls, deadLetters, supervisor } = setup(['a', 'poison', 'b'], poison('poison'));
    const result = await run(isolation, batch);
    expect(result).toEqual({ kind: 'done', next: '13', requests: { rejected: [] } });
    expect(calls).toEqual([['a', 'poison', 'b'], ['a', 'poison', 'b'], ['a', 'poison', 'b'], ['a'], ['poison'], ['poison'], ['poison'], ['b']]);
    expect(deadLetters).toEqual([{ name: 'poison', reason: 'cannot handle poison' }]);
    expect(supervisor.stuckError()).toBeUndefined();
  });

  it('waits longer between each try of the batch, 100 ms then 200 ms, and tries each message alone at once after the last', async () => {
    const { isolation, batch, calls } = setup(['a', 'poison'], poison('poison'));
    void isolation.handle(batch);
    await jest.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(99);
    expect(calls).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(199);
    expect(calls).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.slice(2)).toEqual([['a', 'poison'], ['a'], ['poison']]);
  });

  it('dead-letters a message whose work never becomes durable, waiting on each message’s work alone', async () => {
    const { isolation, batch, deadLetters, supervisor } = setup(['a', 'poison'], async (ms, r) => {
      r.durable = ms.some((m) => m.name === 'poison') ? Promise.reject(new Error('check constraint')) : Promise.resolve();
    });
    // The batch failed three times before (restarts from the last commit): it goes one by one at once.
    for (let i = 0; i < 3; i++) supervisor.failed('t', 0, '10', '11', false);
    const result = await run(isolation, batch);
    expect(result).toEqual({ kind: 'done', next: '12', requests: { rejected: [] } });
    expect(deadLetters).toEqual([{ name: 'poison', reason: 'check constraint' }]);
  });

  it('retries an outage in place for as long as it lasts, never dead-letters, and the supervisor sees it stuck', async () => {
    let outage = true;
    const { isolation, batch, deadLetters, supervisor, calls } = setup(
      ['a', 'b'],
      async () => {
        if (outage) throw new TransientError('Postgres is down');
      },
      5,
    );
    let result: BatchHandlingResult | undefined;
    void isolation.handle(batch).then((r) => (result = r));
    await jest.advanceTimersByTimeAsync(60_000);
    expect(result).toBeUndefined();
    expect(calls.every((c) => c.length === 2)).toBe(true);
    expect(supervisor.stuckError()?.message).toMatch(/^stuck at topic t partition 0 offset 10 after \d+ tries/);
    outage = false;
    await jest.advanceTimersByTimeAsync(5_000);
    expect(result).toEqual({ kind: 'done', next: '12', requests: {} });
    expect(deadLetters).toEqual([]);
  });

  it('keeps publishing a dead letter while Kafka does not take it', async () => {
    const { isolation, batch, deadLetters } = setup(['poison'], poison('poison'));
    let refusals = 3;
    const publish = batch.deadLetter;
    batch.deadLetter = async (m, err) => {
      if (refusals-- > 0) throw new Error('Connection error');
      await publish(m, err);
    };
    await expect(run(isolation, batch)).resolves.toEqual({ kind: 'done', next: '11', requests: { rejected: [] } });
    expect(deadLetters).toHaveLength(1);
  });

  it('abandons a batch that stopped being this member’s while it waited, resolving only what is done', async () => {
    const { isolation, batch, state } = setup(['a', 'poison', 'b'], poison('poison'));
    let result: BatchHandlingResult | undefined;
    void isolation.handle(batch).then((r) => (result = r));
    await jest.advanceTimersByTimeAsync(300); // three tries of the whole batch
    await jest.advanceTimersByTimeAsync(0); // 'a' alone, then 'poison' fails
    state.current = false;
    await jest.advanceTimersByTimeAsync(1_000);
    expect(result).toEqual({ kind: 'done', next: '11', requests: { rejected: [] } });
  });

  it('abandons at once when the whole batch waits and the member is stopped', async () => {
    const { isolation, batch, state } = setup(['poison'], poison('poison'));
    state.current = false;
    await expect(run(isolation, batch)).resolves.toEqual({ kind: 'abandoned' });
  });

  it('stops handling one by one at a hold, and goes on from the held message', async () => {
    const { isolation, batch, supervisor } = setup(['a', 'later', 'b'], async (ms, r) => {
      if (ms.length > 1) throw new Error('batch fails');
      if (ms[0].name === 'later') r.hold = { offset: ms[0].offset, untilMs: 60_000 };
    });
    supervisor.failed('t', 0, '10', '12', false);
    supervisor.failed('t', 0, '10', '12', false);
    supervisor.failed('t', 0, '10', '12', false);
    await expect(run(isolation, batch)).resolves.toEqual({ kind: 'done', next: '11', requests: { hold: { offset: '11', untilMs: 60_000 }, rejected: [] } });
  });

  it('gives way when an earlier batch’s work failed: its consumer is being replaced', async () => {
    const { isolation, batch, state, calls } = setup(['poison'], poison('poison'));
    state.earlier = Promise.reject(new Error('earlier failed'));
    state.earlier.catch(() => undefined);
    await expect(run(isolation, batch)).resolves.toEqual({ kind: 'abandoned' });
    expect(calls).toHaveLength(3);
  });
});
