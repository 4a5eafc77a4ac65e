import { CommonEnv, KafkaEnv } from './common-env';
import { loadConfig } from './load-config';

const Env = CommonEnv.extend(KafkaEnv.shape);
const base = { KAFKA_BROKERS: '127.0.0.1:9092' };

describe('Kafka topic settings from the environment', () => {
  it('leaves replicas to the cluster and partitions to the registry when unset or empty', () => {
    for (const env of [base, { ...base, KAFKA_REPLICATION_FACTOR: '', KAFKA_MIN_INSYNC_REPLICAS: '', KAFKA_TOPIC_PARTITIONS: '' }]) {
      const config = loadConfig(Env, env);
      expect(config.KAFKA_REPLICATION_FACTOR).toBeUndefined();
      expect(config.KAFKA_MIN_INSYNC_REPLICAS).toBeUndefined();
      expect(config.KAFKA_TOPIC_PARTITIONS.size).toBe(0);
    }
  });

  it('takes a replication factor, min.insync.replicas and partition counts by topic name', () => {
    const config = loadConfig(Env, {
      ...base,
      KAFKA_REPLICATION_FACTOR: '3',
      KAFKA_MIN_INSYNC_REPLICAS: '2',
      KAFKA_TOPIC_PARTITIONS: ' ingest.event.accepted.v1=12, matcher.job.scheduled.v1=24 ',
    });
    expect(config.KAFKA_REPLICATION_FACTOR).toBe(3);
    expect(config.KAFKA_MIN_INSYNC_REPLICAS).toBe(2);
    expect([...config.KAFKA_TOPIC_PARTITIONS]).toEqual([
      ['ingest.event.accepted.v1', 12],
      ['matcher.job.scheduled.v1', 24],
    ]);
  });

  it('refuses more in-sync replicas than replicas, which would refuse every write', () => {
    expect(() => loadConfig(Env, { ...base, KAFKA_REPLICATION_FACTOR: '1', KAFKA_MIN_INSYNC_REPLICAS: '2' })).toThrow(
      /KAFKA_MIN_INSYNC_REPLICAS: 2 is more than KAFKA_REPLICATION_FACTOR=1/,
    );
  });

  it.each([
    ['KAFKA_REPLICATION_FACTOR', '0'],
    ['KAFKA_REPLICATION_FACTOR', 'three'],
    ['KAFKA_MIN_INSYNC_REPLICAS', '1.5'],
  ])('refuses %s=%s', (variable, value) => {
    expect(() => loadConfig(Env, { ...base, [variable]: value })).toThrow(new RegExp(`${variable}: `));
  });

  it.each([
    ['ingest.event.accepted.v1', 'is not topic=partitions'],
    ['ingest.event.accepted.v1=0', 'is not topic=partitions'],
    ['ingest.event.accepted.v1=-3', 'is not topic=partitions'],
    ['a topic=3', 'is not topic=partitions'],
    ['__proto__=3,__proto__=4', '__proto__ is given twice'],
  ])('refuses KAFKA_TOPIC_PARTITIONS=%s', (value, message) => {
    expect(() => loadConfig(Env, { ...base, KAFKA_TOPIC_PARTITIONS: value })).toThrow(new RegExp(`KAFKA_TOPIC_PARTITIONS: .*${message}`));
  });
});
