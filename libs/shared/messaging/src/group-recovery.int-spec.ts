import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { rejectedMessagesTopic, TopicSpec } from '@hookstream/contracts';
import { testInfra, testLogger, uniquePrefix, waitFor, WORKSPACE_ROOT } from '@hookstream/testing';
import { KafkaConnection } from './kafka-connection';

const topic: TopicSpec = { name: 'test.recovery.v1', partitions: 2 };

describe('a consumer group when one member goes away', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  /** This process's member and one in a child process, the topic's two partitions split between them. */
  async function twoMembers(label: string) {
    const prefix = uniquePrefix(label);
    const groupId = 'group';
    const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: label, topicPrefix: prefix, logger: testLogger(label) });
    await connection.connect();
    cleanup.push(() => connection.disconnect());
    await connection.ensureTopics([topic]);
    const producer = connection.kafka.producer();
    await producer.connect();
    cleanup.push(() => producer.disconnect());
    const sendTo = (partition: number, value: string) => producer.send({ topic: connection.topic(topic), messages: [{ partition, value }] });

    const child: ChildProcess = spawn(process.execPath, ['-r', path.join(WORKSPACE_ROOT, 'tools/ts-register.js'), path.join(__dirname, '__fixtures__/group-member.ts')], {
      env: { ...process.env, KAFKA_TOPIC_PREFIX: prefix, GROUP_ID: groupId, TOPIC: topic.name },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanup.push(async () => void child.kill('SIGKILL'));
    const childOutput: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => childOutput.push(...chunk.toString().split('\n').filter(Boolean)));
    await waitFor(() => childOutput.some((l) => l.startsWith('joined')), { timeoutMs: 30_000, what: 'the child member to join' });

    const got: { partition: number; value: string }[] = [];
    const member = connection.consumer<Buffer | null>({
      groupId,
      topics: [topic],
      deadLetter: rejectedMessagesTopic('test'),
      fromBeginning: true,
      handle: async (messages) => {
        got.push(...messages.map((m) => ({ partition: m.partition, value: String(m.value) })));
      },
    });
    await member.start();
    // Both members hold one partition each.
    await waitFor(() => member.assignment().get(connection.topic(topic))?.length === 1, { timeoutMs: 30_000, what: 'the partitions split between the two members' });
    const [childPartition] = [0, 1].filter((p) => !member.assignment().get(connection.topic(topic))?.includes(p));
    // A message the child consumes shows that it owns its partition for real.
    await sendTo(childPartition, 'before');
    await waitFor(() => childOutput.includes('got before'), { timeoutMs: 15_000, what: 'the child to consume its partition' });
    return { sendTo, child, got, childPartition };
  }

  it('hands a member killed with SIGKILL its partitions to the survivor within 10 s', async () => {
    const { sendTo, child, got, childPartition } = await twoMembers('kill9');
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await sendTo(childPartition, 'after-kill');
    await waitFor(() => got.some((m) => m.value === 'after-kill'), { timeoutMs: 20_000, what: "the survivor to consume the killed member's partition" });
    expect(Date.now() - killedAt).toBeLessThan(10_000);
  }, 90_000);

  it('hands a member stopped with SIGTERM its partitions at once: it leaves the group', async () => {
    const { sendTo, child, got, childPartition } = await twoMembers('sigterm');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    const stoppedAt = Date.now();
    await sendTo(childPartition, 'after-stop');
    await waitFor(() => got.some((m) => m.value === 'after-stop'), { timeoutMs: 20_000, what: "the survivor to consume the stopped member's partition" });
    expect(Date.now() - stoppedAt).toBeLessThan(5_000);
  }, 90_000);
});
