import { readFileSync } from 'node:fs';
import type { KafkaConfig } from 'kafkajs';
import type { KafkaEnv, KafkaSaslMechanism } from '@hookstream/config';

/** How a client proves itself to the brokers and checks them; file contents, not paths. */
export interface KafkaSecurity {
  /** TLS, verified against `ca` (else the system's CAs); `cert` and `key` are a client certificate, for mTLS. */
  tls?: { ca?: string; cert?: string; key?: string };
  sasl?: { mechanism: KafkaSaslMechanism; username: string; password: string };
}

export interface KafkaClientSettings {
  brokers: string[];
  clientId: string;
  security?: KafkaSecurity;
}

/**
 * The one mapping from the Kafka security variables to a client's settings,
 * for every service and tool. The env was validated at boot (config's
 * kafkaSecurityIssues), so the combinations here are whole.
 */
export function kafkaSecurityFromEnv(env: KafkaEnv, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): KafkaSecurity {
  const security: KafkaSecurity = {};
  if (env.KAFKA_SSL) {
    security.tls = {
      ...(env.KAFKA_SSL_CA_FILE !== undefined ? { ca: readFile(env.KAFKA_SSL_CA_FILE) } : {}),
      ...(env.KAFKA_SSL_CERT_FILE !== undefined && env.KAFKA_SSL_KEY_FILE !== undefined
        ? { cert: readFile(env.KAFKA_SSL_CERT_FILE), key: readFile(env.KAFKA_SSL_KEY_FILE) }
        : {}),
    };
  }
  if (env.KAFKA_SASL_MECHANISM !== undefined) {
    // A mounted Secret often ends with a newline that is no part of the password.
    const password = env.KAFKA_SASL_PASSWORD_FILE !== undefined ? readFile(env.KAFKA_SASL_PASSWORD_FILE).replace(/\r?\n$/, '') : (env.KAFKA_SASL_PASSWORD ?? '');
    security.sasl = { mechanism: env.KAFKA_SASL_MECHANISM, username: env.KAFKA_SASL_USERNAME ?? '', password };
  }
  return security;
}

/** The kafkajs client options of these settings; TLS always verifies the brokers' certificates. */
export function kafkaClientConfig(settings: KafkaClientSettings): Pick<KafkaConfig, 'brokers' | 'clientId' | 'ssl' | 'sasl'> {
  const { tls, sasl } = settings.security ?? {};
  return {
    brokers: settings.brokers,
    clientId: settings.clientId,
    ...(tls !== undefined ? { ssl: { ...tls, rejectUnauthorized: true } } : {}),
    ...(sasl !== undefined ? { sasl: saslOptions(sasl) } : {}),
  };
}

// kafkajs types each mechanism apart; the switch keeps them exhaustive.
function saslOptions(sasl: NonNullable<KafkaSecurity['sasl']>): NonNullable<KafkaConfig['sasl']> {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}
