import type { Admin } from 'kafkajs';
import type { TopicSpec } from '@hookstream/contracts';
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
});
