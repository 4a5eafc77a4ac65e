import { spawn } from 'node:child_process';
import path from 'node:path';
import { decodeMessage, newId, Topics } from '@hookstream/contracts';
import { testInfra, testLogger, TopicRecorder, uniquePrefix, waitFor, WORKSPACE_ROOT } from '@hookstream/testing';
import { ConsumedMessage } from './batch-consumer';
import { DeadLetterHeaders } from './dead-letter';
import { KafkaConnection } from './kafka-connection';

const topic = Topics.reflowRequests;

function connectionFor(prefix: string, clientId: string): KafkaConnection {
  return new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId, topicPrefix: prefix, logger: testLogger(clientId) });
}

function reflowRequest(requestId: string) {
  const now = new Date().toISOString();
  return {
    request_id: requestId,
    tenant_id: 'ten_test',
    requested_at: now,
    event: {
      id: newId('evt'),
      tenant_id: 'ten_test',
      source: 'gateway',
      type: 'payment_approved',
      subject_id: 'pay_1',
      entity_id: null,
      processing_channel_id: null,
      timestamp: now,
      version: '1.0.0',
      data: {},
      metadata: {},
      received_at: now,
    },
  };
}

describe('BatchConsumer against the real broker', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  /** A connection of the test's prefix, connected, closed after the test, with the topics the tests use. */
  async function connected(prefix: string, clientId: string): Promise<KafkaConnection> {
    const connection = connectionFor(prefix, clientId);
    await connection.connect();
    cleanup.push(() => connection.disconnect());
    await connection.ensureTopics([topic, Topics.matcherRejected]);
    return connection;
  }

  it('re-delivers a batch to a restarted consumer when the first crashed before committing', async () => {
    const prefix = uniquePrefix('alo');
    const groupId = 'group';
    const producer = await connected(prefix, 'producer');
    await producer.publisher.publish(Topics.reflowRequests, [{ value: reflowRequest('first') }]);

    // The first consumer, in its own process, receives the message and dies
    // (SIGKILL) before its handler resolves, so it never commits.
    const child = spawn(process.execPath, ['-r', path.join(WORKSPACE_ROOT, 'tools/ts-register.js'), path.join(__dirname, '__fixtures__/crash-before-commit.ts')], {
      env: { ...process.env, KAFKA_TOPIC_PREFIX: prefix, GROUP_ID: groupId },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanup.push(async () => void child.kill('SIGKILL'));
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('received') && resolve());
      child.on('exit', (code) => reject(new Error(`consumer process exited early (${code})`)));
    });
    child.kill('SIGKILL');

    const restarted = await connected(prefix, 'restarted');
    const got: ConsumedMessage<unknown>[] = [];
    await restarted
      .consumer({
        groupId: `${groupId}`,
        topics: [topic],
        decode: (m) => decodeMessage(Topics.reflowRequests, m.value),
        deadLetter: Topics.matcherRejected,
        fromBeginning: true,
        sessionTimeoutMs: 6000,
        handle: async (messages) => {
          got.push(...messages);
        },
      })
      .start();
    await waitFor(() => got.length > 0, { timeoutMs: 45_000, what: 'the uncommitted message to be re-delivered' });
    expect((got[0].value as { request_id: string }).request_id).toBe('first');
  }, 60_000);

  it('fetches on while a batch finishes in the background, commits nothing past it until its work is durable, and re-reads from there when that work fails', async () => {
    const prefix = uniquePrefix('pipe');
    const groupId = 'group';
    const connection = await connected(prefix, 'pipelined');
    const admin = connection.kafka.admin();
    await admin.connect();
    cleanup.push(() => admin.disconnect());
    const committed = async () => {
      const [offsets] = await admin.fetchOffsets({ groupId: connection.groupId(groupId), topics: [connection.topic(topic)] });
      return offsets.partitions.map((p) => Number(p.offset)).reduce((a, b) => Math.max(a, b), -1);
    };

    const seen: string[] = [];
    const pending = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
    const consumer = connection.consumer({
      groupId,
      topics: [topic],
      decode: (m) => decodeMessage(Topics.reflowRequests, m.value),
      deadLetter: Topics.matcherRejected,
      fromBeginning: true,
      commitIntervalMs: 0,
      handle: async (messages, scope) => {
        const ids = messages.map((m) => (m.value as { request_id: string }).request_id);
        seen.push(...ids);
        // 'slow' batches become durable when the test says so; the rest at once.
        if (ids.some((id) => id.startsWith('slow'))) scope.commitWhen(new Promise<void>((resolve, reject) => pending.set(ids.join(','), { resolve, reject })));
      },
    });
    cleanup.push(() => consumer.stop(0));
    await consumer.start();
    await consumer.whenJoined();
    // One key: one partition, in order.
    const send = (id: string) => connection.publisher.publish(Topics.reflowRequests, [{ value: reflowRequest(id) }]);

    await send('slow-1');
    await waitFor(() => pending.has('slow-1'), { what: 'the slow batch' });
    await send('quick-2');
    await waitFor(() => seen.includes('quick-2'), { what: 'the next batch, fetched while the first is not durable' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await committed()).toBe(-1);

    // The slow batch fails: nothing from it on was committed, so both are read again.
    pending.get('slow-1')?.reject(new Error('could not publish'));
    pending.delete('slow-1');
    await waitFor(() => seen.filter((id) => id === 'slow-1').length === 2 && seen.filter((id) => id === 'quick-2').length === 2, { timeoutMs: 30_000, what: 'the re-read' });
    await waitFor(() => pending.has('slow-1,quick-2') || pending.has('slow-1'), { what: 'the slow batch again' });
    expect(await committed()).toBe(-1);
    (pending.get('slow-1,quick-2') ?? pending.get('slow-1'))?.resolve();
    await waitFor(async () => (await committed()) === 2, { timeoutMs: 10_000, what: 'the commit past both' });
  }, 60_000);

  it('sends a malformed message to the dead-letter topic with its reason and processes the next one', async () => {
    const prefix = uniquePrefix('dlq');
    const connection = await connected(prefix, 'dlq');

    const deadLetters = await new TopicRecorder(prefix, Topics.matcherRejected).start();
    cleanup.push(() => deadLetters.stop());

    await connection.publisher.publishEncoded(topic, [
      { key: 'pay_1', value: '{"not":"a reflow request"}' },
      { key: 'pay_1', value: 'not json at all' },
    ]);
    await connection.publisher.publish(Topics.reflowRequests, [{ value: reflowRequest('valid') }]);

    const handled: string[] = [];
    await connection
      .consumer({
        groupId: 'group',
        topics: [topic],
        decode: (m) => decodeMessage(Topics.reflowRequests, m.value),
        deadLetter: Topics.matcherRejected,
        fromBeginning: true,
        handle: async (messages) => {
          handled.push(...messages.map((m) => (m.value as { request_id: string }).request_id));
        },
      })
      .start();

    await waitFor(() => handled.includes('valid'), { timeoutMs: 20_000, what: 'the valid message' });
    await waitFor(() => deadLetters.messages.length === 2, { timeoutMs: 20_000, what: 'two dead letters' });
    const [schemaFailure, jsonFailure] = deadLetters.messages;
    expect(String(schemaFailure.value)).toBe('{"not":"a reflow request"}');
    expect(schemaFailure.headers[DeadLetterHeaders.reason]).toMatch(/request_id/);
    expect(schemaFailure.headers[DeadLetterHeaders.topic]).toBe(`${prefix}${topic.name}`);
    expect(String(jsonFailure.value)).toBe('not json at all');
    expect(jsonFailure.headers[DeadLetterHeaders.reason]).toMatch(/invalid JSON/);
    expect(handled).toEqual(['valid']);
  }, 60_000);
});
