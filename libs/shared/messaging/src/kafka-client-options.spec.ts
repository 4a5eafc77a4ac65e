import { loadConfig, KafkaEnv } from '@hookstream/config';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { kafkaClientConfig, kafkaSecurityFromEnv } from './kafka-client-options';
import { deploymentAcls } from './kafka-acls';

// Paths the env must name; the contents come from this fake file system.
const files = new Map([
  ['/etc/kafka/ca.pem', 'CA'],
  ['/etc/kafka/client.pem', 'CERT'],
  ['/etc/kafka/client.key', 'KEY'],
  ['/etc/kafka/password', 's3cret\n'],
]);
const readFile = (path: string) => {
  const contents = files.get(path);
  if (contents === undefined) throw new Error(`no file ${path}`);
  return contents;
};
// The schema checks that the files are readable; these tests map an env that passed.
const env = (vars: Partial<KafkaEnv>): KafkaEnv => ({ ...loadConfig(KafkaEnv, { KAFKA_BROKERS: 'b:9094' }), ...vars });

describe('kafkaSecurityFromEnv and kafkaClientConfig', () => {
  it('gives a plain client no ssl and no sasl', () => {
    const config = kafkaClientConfig({ brokers: ['b:9092'], clientId: 'matcher', security: kafkaSecurityFromEnv(env({}), readFile) });
    expect(config).toEqual({ brokers: ['b:9092'], clientId: 'matcher' });
  });

  it('maps TLS with a CA and a client certificate, verifying the broker', () => {
    const security = kafkaSecurityFromEnv(env({ KAFKA_SSL: true, KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem', KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem', KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key' }), readFile);
    expect(kafkaClientConfig({ brokers: ['b:9094'], clientId: 'c', security }).ssl).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY', rejectUnauthorized: true });
  });

  it('uses the system CAs when no CA file is given', () => {
    expect(kafkaClientConfig({ brokers: ['b:9094'], clientId: 'c', security: kafkaSecurityFromEnv(env({ KAFKA_SSL: true }), readFile) }).ssl).toEqual({ rejectUnauthorized: true });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('maps SASL %s with a password file, without its final newline', (mechanism) => {
    const security = kafkaSecurityFromEnv(env({ KAFKA_SSL: true, KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: 'matcher', KAFKA_SASL_PASSWORD_FILE: '/etc/kafka/password' }), readFile);
    expect(kafkaClientConfig({ brokers: ['b:9094'], clientId: 'c', security }).sasl).toEqual({ mechanism, username: 'matcher', password: 's3cret' });
  });

  it('takes the password from the env when there is no file', () => {
    const security = kafkaSecurityFromEnv(env({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p\n' }), readFile);
    expect(security.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p\n' });
  });
});

describe('deploymentAcls', () => {
  it("grants each user its deployment's topics and groups by prefix, and nothing else", () => {
    const acls = deploymentAcls(['matcher', 'delivery'], 'acme.');
    expect(new Set(acls.map((a) => a.principal))).toEqual(new Set(['User:matcher', 'User:delivery']));
    expect(acls.every((a) => a.resourceName === 'acme.' && a.resourcePatternType === ResourcePatternTypes.PREFIXED)).toBe(true);
    expect(new Set(acls.map((a) => a.resourceType))).toEqual(new Set([AclResourceTypes.TOPIC, AclResourceTypes.GROUP]));
    const topicOperations = acls.filter((a) => a.principal === 'User:matcher' && a.resourceType === AclResourceTypes.TOPIC).map((a) => a.operation);
    expect(topicOperations).toEqual(expect.arrayContaining([AclOperationTypes.READ, AclOperationTypes.WRITE, AclOperationTypes.CREATE]));
    expect(topicOperations).not.toContain(AclOperationTypes.DELETE);
    expect(topicOperations).not.toContain(AclOperationTypes.ALTER_CONFIGS);
  });

  it('refuses an empty prefix, which would grant every topic', () => {
    expect(() => deploymentAcls(['matcher'], '')).toThrow(/topic prefix/);
  });
});
