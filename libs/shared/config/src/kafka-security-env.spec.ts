import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommonEnv, KafkaEnv } from './common-env';
import { loadConfig } from './load-config';

const Env = CommonEnv.extend(KafkaEnv.shape);
const base = { KAFKA_BROKERS: '127.0.0.1:9094' };
const dir = mkdtempSync(path.join(tmpdir(), 'kafka-security-env-'));
const file = (name: string, contents = 'x') => {
  const at = path.join(dir, name);
  writeFileSync(at, contents);
  return at;
};

describe('Kafka security settings from the environment', () => {
  it('leaves a plain connection as it was', () => {
    const config = loadConfig(Env, base);
    expect(config.KAFKA_SSL).toBe(false);
    expect(config.KAFKA_SASL_MECHANISM).toBeUndefined();
  });

  it('takes TLS, a client certificate and SCRAM with a password file, the mechanism in any case', () => {
    const config = loadConfig(Env, {
      ...base,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: file('ca.pem'),
      KAFKA_SSL_CERT_FILE: file('client.pem'),
      KAFKA_SSL_KEY_FILE: file('client.key'),
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'matcher',
      KAFKA_SASL_PASSWORD_FILE: file('matcher.password'),
    });
    expect(config.KAFKA_SASL_MECHANISM).toBe('scram-sha-512');
    expect(config.KAFKA_SSL_CA_FILE).toBe(path.join(dir, 'ca.pem'));
  });

  it('refuses an unknown mechanism, naming the ones it knows', () => {
    expect(() => loadConfig(Env, { ...base, KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'GSSAPI', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(
      /KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256, scram-sha-512/,
    );
  });

  it('refuses a file it cannot read', () => {
    expect(() => loadConfig(Env, { ...base, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: path.join(dir, 'missing.pem') })).toThrow(/KAFKA_SSL_CA_FILE: must be a readable file/);
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'p' }, /KAFKA_SASL_USERNAME: is required with KAFKA_SASL_MECHANISM=scram-sha-256/],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' }, /KAFKA_SASL_PASSWORD: set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE/],
    [{ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_SASL_PASSWORD_FILE: file('p') }, /set either KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE/],
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /KAFKA_SASL_MECHANISM: plain needs KAFKA_SSL=true/],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /KAFKA_SASL_USERNAME: is set but KAFKA_SASL_MECHANISM is not/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: file('c.pem') }, /set both KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE/],
    [{ KAFKA_SSL_CA_FILE: file('ca2.pem') }, /KAFKA_SSL_CA_FILE: is set but KAFKA_SSL is not true/],
  ])('refuses a combination that cannot work: %j', (env, message) => {
    expect(() => loadConfig(Env, { ...base, ...env })).toThrow(message);
  });

  it('lets SCRAM run without TLS, since it never sends the password', () => {
    expect(loadConfig(Env, { ...base, KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }).KAFKA_SASL_USERNAME).toBe('u');
  });
});
