import { KafkaJSConnectionError } from 'kafkajs';
import type { TopicSpec } from '@hookstream/contracts';
import { testInfra, testLogger, TopicRecorder, uniquePrefix, waitFor } from '@hookstream/testing';
import { BatchConsumer, BatchConsumerOptions } from './batch-consumer';
import { DeadLetterHeaders } from './dead-letter';
import { KafkaConnection } from './kafka-connection';

const topic: TopicSpec = { name: 'test.poison.v1', partitions: 1 };
const deadLetter: TopicSpec = { name: 'test.poison.dead-letter.v1', partitions: 1 };

const name = (m: { value: Buffer | null }) => String(m.value);

describe('BatchConsumer isolates what its handler cannot handle', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function setup(label: string) {
    const prefix = uniquePrefix(label);
    const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: label, topicPrefix: prefix, logger: testLogger(label) });
    await connection.connect();
    cleanup.push(() => connection.disconnect());
    await connection.ensureTopics([topic, deadLetter]);
    const deadLetters = await new TopicRecorder(prefix, deadLetter).start();
    cleanup.push(() => deadLetters.stop());
    const admin = connection.kafka.admin();
    await admin.connect();
    cleanup.push(() => admin.disconnect());
    const groupId = 'group';
    const committed = async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: connection.groupId(groupId), topics: [connection.topic(topic)] });
      return Number(offsets.partitions[0]?.offset ?? -1);
    };
    // One key: one partition, in order, and one batch when they are there before the consumer starts.
    const send = (...names: string[]) => connection.publisher.publishEncoded(topic, names.map((n) => ({ key: 'k', value: n })));
    const consume = async (handle: BatchConsumerOptions<Buffer | null>['handle'], options: Partial<BatchConsumerOptions<Buffer | null>> = {}) => {
      const consumer: BatchConsumer<Buffer | null> = connection.consumer<Buffer | null>({ groupId, topics: [topic], deadLetter, fromBeginning: true, commitIntervalMs: 0, handle, ...options });
      cleanup.push(() => consumer.stop(0));
      await consumer.start();
      return consumer;
    };
    return { connection, deadLetters, committed, send, consume };
  }

  it('dead-letters the one message whose handling throws, with reason and offset, handles the others and moves on', async () => {
    const { deadLetters, committed, send, consume } = await setup('poison');
    await send('a', 'b', 'poison', 'c', 'd');
    const calls: string[] = [];
    const handled: string[] = [];
    await consume(async (messages) => {
      calls.push(...messages.map(name));
      if (messages.some((m) => name(m) === 'poison')) throw new Error('cannot build the webhook body');
      handled.push(...messages.map(name));
    });

    await waitFor(() => deadLetters.messages.length === 1, { timeoutMs: 30_000, what: 'the poison message dead-lettered' });
    const [dead] = deadLetters.messages;
    expect(String(dead.value)).toBe('poison');
    expect(dead.headers[DeadLetterHeaders.reason]).toBe('cannot build the webhook body');
    expect(dead.headers[DeadLetterHeaders.offset]).toBe('2');
    expect(dead.headers[DeadLetterHeaders.partition]).toBe('0');
    await waitFor(async () => (await committed()) === 5, { timeoutMs: 10_000, what: 'the commit past the batch' });
    expect(new Set(handled)).toEqual(new Set(['a', 'b', 'c', 'd']));

    // The partition moved on, and nothing loops.
    await send('after');
    await waitFor(() => handled.includes('after'), { timeoutMs: 10_000, what: 'a later message' });
    const settled = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(calls.length).toBe(settled);
    expect(calls.filter((c) => c === 'poison').length).toBeLessThanOrEqual(6);
  }, 60_000);

  it('bounds a batch whose work never becomes durable, then isolates the message that fails it', async () => {
    const { deadLetters, committed, send, consume } = await setup('durable');
    await send('a', 'poison', 'b');
    const calls: string[] = [];
    const durable: string[] = [];
    await consume(async (messages, scope) => {
      calls.push(...messages.map(name));
      const names = messages.map(name);
      scope.commitWhen(
        names.includes('poison')
          ? Promise.reject(new Error('violates a check constraint'))
          : Promise.resolve().then(() => {
              durable.push(...names);
            }),
      );
    });

    await waitFor(() => deadLetters.messages.length === 1, { timeoutMs: 40_000, what: 'the poison message dead-lettered' });
    expect(String(deadLetters.messages[0].value)).toBe('poison');
    expect(deadLetters.messages[0].headers[DeadLetterHeaders.reason]).toBe('violates a check constraint');
    expect(deadLetters.messages[0].headers[DeadLetterHeaders.offset]).toBe('1');
    await waitFor(async () => (await committed()) === 3, { timeoutMs: 10_000, what: 'the commit past the batch' });
    expect(durable).toEqual(expect.arrayContaining(['a', 'b']));
    expect(calls.filter((c) => c === 'poison').length).toBeLessThanOrEqual(8);
  }, 60_000);

  it('retries a transient failure in place and never dead-letters the message', async () => {
    const { deadLetters, committed, send, consume } = await setup('transient');
    await send('a', 'flaky', 'b');
    let failures = 0;
    const handled: string[] = [];
    await consume(async (messages) => {
      if (messages.some((m) => name(m) === 'flaky') && failures < 6) {
        failures++;
        throw new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      }
      handled.push(...messages.map(name));
    });

    await waitFor(async () => (await committed()) === 3, { timeoutMs: 40_000, what: 'the batch handled once the outage is over' });
    expect(failures).toBe(6);
    expect(handled).toEqual(expect.arrayContaining(['a', 'flaky', 'b']));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(deadLetters.messages).toHaveLength(0);
  }, 60_000);

  it('turns readiness red while a partition is stuck, naming topic, partition and offset, and green once it moves on', async () => {
    const { connection, send, consume } = await setup('stuck');
    await send('a');
    let outage = true;
    const handled: string[] = [];
    const consumer = await consume(
      async (messages) => {
        if (outage && messages.some((m) => name(m) === 'stuck')) throw new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:5432');
        handled.push(...messages.map(name));
      },
      { stuckAfterAttempts: 3 },
    );
    await waitFor(() => handled.includes('a'), { timeoutMs: 20_000, what: 'the first message' });
    expect(consumer.healthError()).toBeUndefined();

    await send('stuck');
    const error = await waitFor(() => consumer.healthError(), { timeoutMs: 30_000, what: 'readiness to turn red' });
    expect(error.message).toMatch(new RegExp(`stuck at topic ${connection.topic(topic)} partition 0 offset 1 after \\d+ tries`));

    outage = false;
    await waitFor(() => handled.includes('stuck'), { timeoutMs: 20_000, what: 'the partition to move on' });
    await waitFor(() => consumer.healthError() === undefined, { timeoutMs: 5_000, what: 'readiness to turn green' });
  }, 60_000);
});
