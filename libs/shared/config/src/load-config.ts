import { z } from 'zod';
import { productionSecretProblems } from './secret-settings';
import { kafkaReplicationIssues, kafkaSecurityIssues, KafkaEnv } from './common-env';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates the environment once, at boot, into a typed object. A missing or
 * wrong variable, or in production a secret left at a published key, throws
 * a ConfigError naming every offending variable, so the service stops with a
 * message a person can act on.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  const problems = result.success
    ? [
        ...crossVariableIssues(result.data).map((issue) => `${issue.variable}: ${issue.message}`),
        ...productionSecretProblems(schema, result.data as Record<string, unknown>),
      ]
    : result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  if (problems.length === 0) return result.data as z.infer<S>;
  throw new ConfigError(`Invalid configuration:\n${problems.map((line) => `  ${line}`).join('\n')}`);
}

/** The rules of the shared fragments that span several variables (see kafkaSecurityIssues, kafkaReplicationIssues). */
function crossVariableIssues(config: unknown): { variable: string; message: string }[] {
  const hasKafka = typeof config === 'object' && config !== null && 'KAFKA_BROKERS' in config;
  return hasKafka ? [...kafkaSecurityIssues(config as Partial<KafkaEnv>), ...kafkaReplicationIssues(config as Partial<KafkaEnv>)] : [];
}

/** Runs loadConfig and exits the process with the message on failure. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
