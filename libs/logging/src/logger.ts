import pino, { Logger } from 'pino';
import { requestContext } from './request-context';

export type { Logger } from 'pino';

/** Paths redacted at the logger, so a secret never reaches a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.signature.key',
  'signature.key',
  '*.signing_secrets',
  'signing_secrets',
  '*.password',
  'password',
  'apiKey',
  '*.apiKey',
  'DATABASE_URL',
  '*.DATABASE_URL',
];

export interface LoggerOptions {
  service: string;
  level?: string;
  pretty?: boolean;
}

export function createLogger(options: LoggerOptions): Logger {
  return pino({
    name: options.service,
    level: options.level ?? 'info',
    base: { service: options.service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin: () => ({ ...requestContext.current() }),
    // pino-pretty is optional: without it the logs stay JSON.
    transport: options.pretty ? prettyTransport() : undefined,
  });
}

function prettyTransport(): pino.TransportSingleOptions | undefined {
  try {
    require.resolve('pino-pretty');
    return { target: 'pino-pretty', options: { singleLine: true, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } };
  } catch {
    return undefined;
  }
}
