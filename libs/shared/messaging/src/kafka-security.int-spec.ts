import { KafkaEnv, loadConfig } from '@hookstream/config';
import { rejectedMessagesTopic, type TopicSpec } from '@hookstream/contracts';
import { securedTestKafka, testInfra, testLogger, uniquePrefix, waitFor } from '@hookstream/testing';
import { grantDeployment } from './kafka-acls';
import { kafkaSecurityFromEnv } from './kafka-client-options';
import { KafkaConnection } from './kafka-connection';

const topic: TopicSpec = { name: 'test.security.v1', partitions: 1 };

/** Why a call was refused: kafkajs keeps the broker's error codes in nested errors. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    const nested = (err as { errors?: { type?: string }[] }).errors ?? [];
    return [(err as Error).message, (err as { type?: string }).type, ...nested.map((e) => e.type)].join(' ');
  }
  throw new Error('the call was not refused');
}

// The local broker's secured listeners (scripts/infra.sh): SASL_SSL with
// PLAIN and SCRAM users, mTLS, and ACLs enforced by the StandardAuthorizer.
describe('Kafka over TLS and SASL, against the real broker', () => {
  const kafka = securedTestKafka();
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  /** A connection made as a service makes it: from the env, through the one mapping. */
  function connectionFrom(env: Record<string, string>, prefix: string, clientId: string): KafkaConnection {
    const config = loadConfig(KafkaEnv, { KAFKA_BROKERS: kafka.saslSslBrokers.join(','), KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: kafka.caFile, ...env });
    return new KafkaConnection({ brokers: config.KAFKA_BROKERS, clientId, security: kafkaSecurityFromEnv(config), topicPrefix: prefix, logger: testLogger(clientId) });
  }

  const asUser = (user: string, mechanism: string, password = kafka.password(user)) => ({
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD: password,
  });

  /** Connects, creates the topic, publishes one message and reads it back through a consumer group of the prefix. */
  async function roundTrip(connection: KafkaConnection): Promise<string[]> {
    await connection.connect();
    cleanup.push(() => connection.disconnect());
    await connection.ensureTopics([topic]);
    const received: string[] = [];
    const consumer = connection.consumer<Buffer | null>({
      // The connection puts the prefix in front: the group is one of the prefix's.
      groupId: 'group',
      topics: [topic],
      deadLetter: rejectedMessagesTopic('test'),
      fromBeginning: true,
      handle: async (messages) => {
        received.push(...messages.map((m) => String(m.value)));
      },
    });
    cleanup.push(() => consumer.stop(0));
    await consumer.start();
    await connection.publisher.publishEncoded(topic, [{ key: 'k1', value: 'over tls' }]);
    await waitFor(async () => received.length > 0, { timeoutMs: 30_000, what: 'the message to come back' });
    return received;
  }

  it.each(['scram-sha-512', 'scram-sha-256', 'plain'])('publishes and consumes as a service user with %s, on the topics and groups of its prefix', async (mechanism) => {
    const prefix = uniquePrefix(`sasl${mechanism.replace(/-/g, '')}`);
    await grantDeployment({ brokers: testInfra().kafkaBrokers, clientId: 'acl-grant' }, ['matcher'], prefix);
    expect(await roundTrip(connectionFrom(asUser('matcher', mechanism), prefix, 'matcher'))).toEqual(['over tls']);
  }, 30_000);

  it('refuses a wrong password', async () => {
    const connection = connectionFrom(asUser('matcher', 'scram-sha-512', 'not-the-password'), uniquePrefix('saslwrong'), 'wrong-password');
    cleanup.push(() => connection.disconnect());
    await expect(connection.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed|Authentication failed/i);
  }, 30_000);

  it('refuses a user the topic of another deployment, and one with no grant at all', async () => {
    const theirs = uniquePrefix('saslacltheirs');
    const admin = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'acl-admin', topicPrefix: theirs, logger: testLogger('acl-admin') });
    await admin.connect();
    cleanup.push(() => admin.disconnect());
    await admin.ensureTopics([topic]);

    // matcher may use its own prefix only: another deployment's topic is refused.
    const ours = uniquePrefix('saslaclours');
    await grantDeployment({ brokers: testInfra().kafkaBrokers, clientId: 'acl-grant' }, ['matcher'], ours);
    const intruder = connectionFrom(asUser('matcher', 'scram-sha-512'), theirs, 'intruder');
    await intruder.connect();
    cleanup.push(() => intruder.disconnect());
    expect(await refusal(intruder.publisher.publishEncoded(topic, [{ key: 'k', value: 'x' }]))).toMatch(/TOPIC_AUTHORIZATION_FAILED|Not authorized to access topics/);

    // guest authenticates but has no ACL: it may not even create a topic.
    const guest = connectionFrom(asUser('guest', 'scram-sha-512'), uniquePrefix('saslguest'), 'guest');
    await guest.connect();
    cleanup.push(() => guest.disconnect());
    expect(await refusal(guest.ensureTopics([topic], 0))).toMatch(/TOPIC_AUTHORIZATION_FAILED/);
  }, 30_000);

  it('refuses a broker whose certificate the client cannot verify (no CA given, so only the system CAs)', async () => {
    const config = loadConfig(KafkaEnv, { KAFKA_BROKERS: kafka.saslSslBrokers.join(','), KAFKA_SSL: 'true', ...asUser('matcher', 'scram-sha-512') });
    const connection = new KafkaConnection({ brokers: config.KAFKA_BROKERS, clientId: 'untrusted', security: kafkaSecurityFromEnv(config), logger: testLogger('untrusted') });
    cleanup.push(() => connection.disconnect());
    await expect(connection.connect()).rejects.toThrow(/certificate/i);
  }, 30_000);

  it('speaks mTLS with a client certificate, whose CN is the principal, and refuses a client without one', async () => {
    const prefix = uniquePrefix('mtls');
    await grantDeployment({ brokers: testInfra().kafkaBrokers, clientId: 'acl-grant' }, ['hookstream-client'], prefix);
    const mtls = { KAFKA_BROKERS: kafka.sslBrokers.join(','), KAFKA_SSL_CERT_FILE: kafka.clientCertFile, KAFKA_SSL_KEY_FILE: kafka.clientKeyFile };
    expect(await roundTrip(connectionFrom(mtls, prefix, 'mtls'))).toEqual(['over tls']);

    const anonymous = connectionFrom({ KAFKA_BROKERS: kafka.sslBrokers.join(',') }, prefix, 'no-certificate');
    cleanup.push(() => anonymous.disconnect());
    await expect(anonymous.connect()).rejects.toThrow();
  }, 30_000);
});
