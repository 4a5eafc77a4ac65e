import pino, { Logger } from 'pino';
import { currentTraceIds } from '@hookstream/tracing';
import { redactSecrets, redactText } from './redaction';
import { requestContext } from './request-context';

export type { Logger } from 'pino';

export interface LoggerOptions {
  service: string;
  level?: string;
  pretty?: boolean;
  /** Where lines go; stdout unless given (tests read them back). */
  destination?: pino.DestinationStream;
}

/**
 * The one logger: JSON lines with the request context's ids (and the trace's), and secrets
 * redacted (SecretRules) in every object logged, every child's bindings and
 * every finished line, the message included.
 */
export function createLogger(options: LoggerOptions): Logger {
  const settings: pino.LoggerOptions = {
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // trace_id and span_id of the span active when the line is written, while tracing is on.
    mixin: () => ({ ...requestContext.current(), ...currentTraceIds() }),
    formatters: {
      log: (object) => redactSecrets(object) as Record<string, unknown>,
      bindings: (bindings) => redactSecrets(bindings) as pino.Bindings,
    },
    // Errors were made plain and redacted by formatters.log; pino's own serializer would take them for errors again.
    serializers: { err: (err: unknown) => (err instanceof Error ? redactSecrets(err) : err) },
    hooks: { streamWrite: redactText },
    // pino-pretty is optional: without it the logs stay JSON.
    transport: options.pretty ? prettyTransport() : undefined,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

function prettyTransport(): pino.TransportSingleOptions | undefined {
  try {
    require.resolve('pino-pretty');
    return { target: 'pino-pretty', options: { singleLine: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } };
  } catch {
    return undefined;
  }
}
