import { Writable } from 'node:stream';
import type { Admin } from 'kafkajs';
import type { TopicSpec } from '@hookstream/contracts';
import { createLogger } from '@hookstream/logging';
import { testInfra, testLogger, uniquePrefix } from '@hookstream/testing';
import { KafkaConnection } from './kafka-connection';

describe('KafkaConnection.ensureTopics at first boot', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.allSettled(cleanup.splice(0).map((fn) => fn()));
  });

  it('succeeds in every service when several create the same new topics at once, each topic led once it returns', async () => {
    const prefix = uniquePrefix('boot');
    const topics: TopicSpec[] = Array.from({ length: 16 }, (_, i) => ({ name: `test.boot.${i}.v1`, key: 'k', partitions: 6 }));
    const services = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const connection = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: `service-${i}`, topicPrefix: prefix, logger: testLogger(`service-${i}`) });
        const admin: Admin = connection.kafka.admin();
        await Promise.all([connection.connect(), admin.connect()]);
        cleanup.push(() => connection.disconnect(), () => admin.disconnect());
        return { connection, admin };
      }),
    );

    // Each "service" lists the topics in another order, as services do, and
    // uses them as soon as ensureTopics returns: every partition must have a leader by then.
    const results = await Promise.allSettled(
      services.map(async ({ connection, admin }, i) => {
        await connection.ensureTopics([...topics.slice(i), ...topics.slice(0, i)]);
        const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => connection.topic(t)) });
        const leaderless = metadata.topics.flatMap((t) => t.partitions.filter((p) => p.leader < 0 || p.partitionErrorCode !== 0).map((p) => `${t.name}/${p.partitionId}`));
        if (leaderless.length > 0) throw new Error(`service-${i}: partitions without a leader after ensureTopics: ${leaderless.join(', ')}`);
        if (metadata.topics.some((t) => t.partitions.length !== 6)) throw new Error(`service-${i}: a topic without its 6 partitions`);
      }),
    );
    expect(results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []))).toEqual([]);
  }, 90_000);

  it('creates topics with the deployment settings and says once when an existing topic differs from them', async () => {
    const prefix = uniquePrefix('settings');
    const events: TopicSpec = { name: 'test.settings.events.v1', partitions: 6 };
    const compacted: TopicSpec = { name: 'test.settings.config.v1', partitions: 3, compacted: true };
    // The drift warnings (they name their topic); a loaded broker adds retries' warnings, not counted.
    const drifts: string[] = [];
    const destination = new Writable({
      write: (chunk, _encoding, done) => {
        const line = JSON.parse(String(chunk)) as { topic?: string; msg: string };
        if (line.topic !== undefined) drifts.push(line.msg);
        done();
      },
    });
    const connect = async (partitions: number) => {
      const connection = new KafkaConnection({
        brokers: testInfra().kafkaBrokers,
        clientId: 'settings',
        topicPrefix: prefix,
        logger: createLogger({ service: 'settings', level: 'warn', destination }),
        // One broker: one replica, and min.insync.replicas set on each topic.
        topicCreation: { replicationFactor: 1, minInsyncReplicas: 1, partitions: new Map([[events.name, partitions]]) },
      });
      await connection.connect();
      cleanup.push(() => connection.disconnect());
      return connection;
    };

    const first = await connect(2);
    await first.ensureTopics([events, compacted]);
    const states = await first.partitionStates([first.topic(events), first.topic(compacted)]);
    expect(states.filter((s) => s.topic === first.topic(events)).map((s) => s.partition).sort()).toEqual([0, 1]);
    expect(states.filter((s) => s.topic === first.topic(compacted))).toHaveLength(3);
    expect(states.every((s) => s.replicas.length === 1 && s.isr.length === 1 && s.leader === s.replicas[0])).toBe(true);
    expect(Object.fromEntries(await first.topicOverrides(events))).toEqual({ 'min.insync.replicas': '1' });
    expect(Object.fromEntries(await first.topicOverrides(compacted))).toEqual({ 'cleanup.policy': 'compact', 'min.insync.replicas': '1' });
    expect(drifts).toEqual([]);

    // A later deployment wants more partitions: the topic stays as it is, and the drift is logged once.
    const second = await connect(4);
    await second.ensureTopics([events]);
    await second.ensureTopics([events]);
    expect(await second.partitionStates([second.topic(events)])).toHaveLength(2);
    expect(drifts).toEqual([expect.stringContaining(`topic ${second.topic(events)} has 2 partitions, not 4`)]);
  }, 60_000);
});
