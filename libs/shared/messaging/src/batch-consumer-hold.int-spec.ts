import { rejectedMessagesTopic, TopicSpec } from '@hookstream/contracts';
import { testInfra, testLogger, uniquePrefix, waitFor } from '@hookstream/testing';
import { BatchConsumer } from './batch-consumer';
import { KafkaConnection } from './kafka-connection';

const topic: TopicSpec = { name: 'test.hold.v1', partitions: 1 };

interface Handled {
  member: string;
  name: string;
  at: number;
}

/** A consumer that holds each message until the time in its value. */
function holdingConsumer(connection: KafkaConnection, groupId: string, member: string, handled: Handled[]): BatchConsumer<Buffer | null> {
  return connection.consumer<Buffer | null>({
    groupId,
    topics: [topic],
    deadLetter: rejectedMessagesTopic('test'),
    fromBeginning: true,
    sessionTimeoutMs: 6_000,
    handle: async (messages, scope) => {
      for (const m of messages) {
        const { name, due } = JSON.parse(String(m.value)) as { name: string; due: number };
        if (Date.now() < due) {
          scope.holdFrom(m.offset, due);
          return;
        }
        handled.push({ member, name, at: Date.now() });
      }
    },
  });
}

describe('BatchConsumer.holdFrom', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function connect(prefix: string, clientId: string): Promise<KafkaConnection> {
    const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId, topicPrefix: prefix, logger: testLogger(clientId) });
    await connection.connect();
    cleanup.push(() => connection.disconnect());
    return connection;
  }

  const publish = (connection: KafkaConnection, ...values: { name: string; due: number }[]) =>
    connection.publisher.publishEncoded(
      topic,
      values.map((v) => ({ key: 'k', value: JSON.stringify(v) })),
    );

  it('pauses the partition until the time, then resumes from the held message, in order', async () => {
    const prefix = uniquePrefix('hold');
    const connection = await connect(prefix, 'hold');
    await connection.ensureTopics([topic]);
    const now = Date.now();
    await publish(connection, { name: 'now', due: 0 }, { name: 'later', due: now + 3_000 }, { name: 'after', due: 0 });
    const handled: Handled[] = [];
    await holdingConsumer(connection, 'g', 'a', handled).start();
    await waitFor(() => handled.length === 3, { timeoutMs: 20_000, what: 'all three messages' });
    expect(handled.map((h) => h.name)).toEqual(['now', 'later', 'after']);
    expect(handled[1].at).toBeGreaterThanOrEqual(now + 3_000);
    // The message behind the held one waited with it: it is a partition's hold.
    expect(handled[2].at).toBeGreaterThanOrEqual(now + 3_000);
  }, 40_000);

  it('keeps a hold when the partition moves to another member, and never releases it early', async () => {
    const prefix = uniquePrefix('holdmove');
    const groupId = 'g';
    const first = await connect(prefix, 'first');
    await first.ensureTopics([topic]);
    const due = Date.now() + 8_000;
    await publish(first, { name: 'held', due });
    const handled: Handled[] = [];
    const a = holdingConsumer(first, groupId, 'a', handled);
    await a.start();
    await a.whenJoined();
    await new Promise((r) => setTimeout(r, 1_000));

    // A second member joins, then the first leaves: the partition (and the
    // held message, uncommitted) ends up with the second.
    const second = await connect(prefix, 'second');
    const b = holdingConsumer(second, groupId, 'b', handled);
    await b.start();
    await a.stop();
    await waitFor(() => handled.length === 1, { timeoutMs: 30_000, what: 'the held message' });
    expect(handled[0]).toMatchObject({ member: 'b', name: 'held' });
    expect(handled[0].at).toBeGreaterThanOrEqual(due);
  }, 60_000);
});
