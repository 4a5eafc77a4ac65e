/**
 * The rule every consumer of this lib follows when handling fails
 * (per-message isolation):
 *
 * - A failure that says the world is down for a while (Kafka or Postgres
 *   unreachable, a `TransientError`) is retried in place, with a capped
 *   backoff, for as long as it lasts: an outage never dead-letters a good
 *   message. The partition waits, and readiness turns red once it waited
 *   `stuckAfterAttempts` times at the same offset.
 * - Any other failure is the message's fault until proven otherwise: the
 *   batch is tried `maxHandlingAttempts` times, then each of its messages
 *   alone, and a message that still fails `maxHandlingAttempts` times is
 *   dead-lettered with the error as its reason. The other messages are
 *   handled and the partition moves on.
 */
export interface HandlingPolicy {
  /** Tries of a batch, then of each message alone, before giving up on it. */
  maxHandlingAttempts: number;
  /** The first retry's wait; each next one doubles, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_HANDLING_POLICY: HandlingPolicy = { maxHandlingAttempts: 3, backoffMs: 100, maxBackoffMs: 5_000 };

/**
 * Thrown (or rejected) by a handler to say "not this message's fault, try
 * again later": it is retried in place and never dead-lettered.
 */
export class TransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** kafkajs errors that mean the cluster or the network is not answering now. */
const TRANSIENT_KAFKA_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSTimeout',
  'KafkaJSLockTimeout',
]);

/** Node socket errors: the peer is down or unreachable. */
const TRANSIENT_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Postgres SQLSTATEs of an unavailable or overloaded server, or of a
 * transaction that lost a race and may simply be run again.
 */
const TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);

/** pg's own messages for a pool or connection that lost the server. */
const TRANSIENT_PG_MESSAGE = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

/** Whether a failure is the world's (retry in place) rather than the message's (isolate, then dead-letter). */
export function isTransient(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false;
  if (err instanceof TransientError || TRANSIENT_KAFKA_ERRORS.has(err.name)) return true;
  // The broker's own verdict on a protocol error (LEADER_NOT_AVAILABLE yes, MESSAGE_TOO_LARGE no).
  if (err.name === 'KafkaJSProtocolError' && (err as { retriable?: unknown }).retriable === true) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_SOCKET_CODES.has(code) || TRANSIENT_SQLSTATES.has(code) || code.startsWith('08'))) return true;
  if (TRANSIENT_PG_MESSAGE.test(err.message)) return true;
  // TypeORM keeps the driver's error; kafkajs and others keep a cause.
  const inner = (err as { driverError?: unknown }).driverError ?? (err as { cause?: unknown }).cause;
  return isTransient(inner, depth + 1);
}

export type NextStep = { kind: 'retry'; afterMs: number } | { kind: 'give_up' };

/**
 * After the `attempt`-th failed try (1-based) of a batch or of one message:
 * try again after a while, or give up on it (narrow the batch down, or
 * dead-letter the message).
 */
export function decideAfterFailure(policy: HandlingPolicy, attempt: number, err: unknown): NextStep {
  if (isTransient(err) || attempt < policy.maxHandlingAttempts) return { kind: 'retry', afterMs: backoffMs(policy, attempt) };
  return { kind: 'give_up' };
}

export function backoffMs(policy: HandlingPolicy, attempt: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.min(Math.max(attempt - 1, 0), 20));
}

/** A failure's reason as a dead letter carries it. */
export function failureReason(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}
