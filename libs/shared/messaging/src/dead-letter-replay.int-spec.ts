import type { TopicSpec } from '@hookstream/contracts';
import { testInfra, testLogger, uniquePrefix, waitFor } from '@hookstream/testing';
import { DeadLetterReplay } from './dead-letter-replay';
import { KafkaConnection } from './kafka-connection';

const topic: TopicSpec = { name: 'test.replay.v1', partitions: 3 };
const deadLetter: TopicSpec = { name: 'test.replay.dead-letter.v1', partitions: 1 };

describe('DeadLetterReplay', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('lists a dead letter with its reason and origin, and replays its original bytes and key to its topic, where the consumer handles it', async () => {
    const prefix = uniquePrefix('replay');
    const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'replay', topicPrefix: prefix, logger: testLogger('replay') });
    await connection.connect();
    cleanup.push(() => connection.disconnect());
    await connection.ensureTopics([topic, deadLetter]);

    let fixed = false;
    const handled: { key: string | null; value: string; headers: Record<string, string> }[] = [];
    const consumer = connection.consumer<Buffer | null>({
      groupId: 'group',
      topics: [topic],
      deadLetter,
      fromBeginning: true,
      retryBackoffMs: 10,
      handle: async (messages) => {
        for (const m of messages) if (!fixed && String(m.value) === 'poison') throw new Error('a bug, fixed since');
        handled.push(...messages.map((m) => ({ key: m.key, value: String(m.value), headers: m.headers })));
      },
    });
    cleanup.push(() => consumer.stop(0));
    await consumer.start();
    await connection.publisher.publishEncoded(topic, [{ key: 'sub_1', value: 'poison', headers: { 'webhook-id': 'msg_1' } }]);

    const replay = new DeadLetterReplay(connection);
    const letters = await waitFor(async () => {
      const listed = await replay.list(deadLetter.name);
      return listed.length === 1 && listed;
    }, { timeoutMs: 30_000, what: 'the dead letter to be listed' });
    expect(letters[0]).toMatchObject({ partition: 0, offset: '0', key: 'sub_1', reason: 'a bug, fixed since', originalTopic: connection.topic(topic), originalOffset: '0', bytes: 6 });

    fixed = true;
    const result = await replay.replay(deadLetter.name, { offset: '0' });
    expect(result).toEqual({ replayed: 1, skipped: [] });
    await waitFor(() => handled.length === 1, { timeoutMs: 20_000, what: 'the replayed message handled' });
    expect(handled[0].key).toBe('sub_1');
    expect(handled[0].value).toBe('poison');
    expect(handled[0].headers).toEqual({ 'webhook-id': 'msg_1' });
  }, 60_000);

  it('refuses a letter that does not say where it came from', async () => {
    const prefix = uniquePrefix('replaybad');
    const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'replay', topicPrefix: prefix, logger: testLogger('replay') });
    await connection.connect();
    cleanup.push(() => connection.disconnect());
    await connection.ensureTopics([deadLetter]);
    await connection.publisher.publishEncoded(deadLetter, [{ key: 'k', value: 'x', headers: { 'dead-letter-topic': 'elsewhere.v1' } }, { key: 'k', value: 'y' }]);
    const result = await new DeadLetterReplay(connection).replay(deadLetter.name, 'all');
    expect(result.replayed).toBe(0);
    expect(result.skipped.map((s) => s.offset)).toEqual(['0', '1']);
    expect(result.skipped[0].why).toMatch(/not a topic of this deployment/);
    expect(result.skipped[1].why).toMatch(/no dead-letter-topic header/);
  }, 60_000);
});
