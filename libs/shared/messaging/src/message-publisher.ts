import { CompressionTypes, Producer } from 'kafkajs';
import type { z } from 'zod';
import { describeIssues, TopicDefinition, TopicSpec } from '@hookstream/contracts';
import type { TraceContext } from '@hookstream/tracing';
import { Clock, sleep, systemClock } from './clock';
import { withTraceHeaders } from './kafka-trace';

/**
 * A value to publish, keyed as its topic defines; or a tombstone (compacted
 * topics), which has no value to derive a key from. `trace`: what the
 * message follows from (ConsumedMessage.trace of the message it was made
 * for), when that is not the context active where it is encoded.
 */
export type OutgoingMessage<T> =
  // `key?: never`: a key written by hand does not compile.
  | { value: NonNullable<T>; headers?: Record<string, string>; trace?: TraceContext; key?: never }
  | { tombstone: string; headers?: Record<string, string>; trace?: TraceContext; key?: never };

export interface EncodedMessage {
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string | Buffer>;
}

export class InvalidOutgoingMessageError extends Error {
  override readonly name = 'InvalidOutgoingMessageError';
}

/**
 * kafkajs puts all of one request's records for a partition into one record
 * batch, which the broker refuses past message.max.bytes (1 MiB by
 * default), and a refused batch would be retried forever: no request
 * carries more than this. A single larger message still goes, alone.
 */
export const MAX_REQUEST_BYTES = 768 * 1024;
/** Record and header framing beside the key and value bytes, roughly. */
const RECORD_OVERHEAD_BYTES = 64;

/**
 * How a request that failed on a passing cause (a broker gone, leaders
 * moving) is sent again: whole, as a new request, after a capped backoff.
 * The producer itself tries each request once (KafkaConnection sets its
 * retries to 0): kafkajs' own retry skips a broker that already answered
 * even when it now leads the failed broker's partitions, and reports success
 * for messages never sent (tulios/kafkajs#1303).
 */
export interface ResendPolicy {
  /** Tries of one request, the first included. */
  attempts: number;
  clock: Clock;
}

/** About kafkajs' own budget (8 retries from 100 ms): long enough for a dead broker's partitions to get new leaders. */
export const DEFAULT_RESEND: ResendPolicy = { attempts: 9, clock: systemClock };

/** Wait before try `attempt` + 1: doubling from 100 ms, at most 10 s. */
export function resendDelayMs(attempt: number): number {
  return Math.min(10_000, 100 * 2 ** (attempt - 1));
}

/**
 * A failure worth sending again: kafkajs gave up on a retriable cause (its
 * single try used). Anything else (a refused message, a bug) fails at once.
 */
export function isPassingSendFailure(err: unknown): boolean {
  return (err as { name?: unknown } | null)?.name === 'KafkaJSNumberOfRetriesExceeded';
}

/** Counts failed produce requests per topic in them (a prom-client Counter fits). */
export interface ProduceErrorCounter {
  inc(labels: { topic: string; reason: 'resent' | 'failed' }): void;
}

/** One publish call: resolved once every part of it is acknowledged. */
interface Ticket {
  outstanding: number;
  settled: boolean;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface Part {
  topic: string;
  message: EncodedMessage;
  bytes: number;
  ticket: Ticket;
}

/**
 * Publishes validated messages with acks=all: a resolved publish means the
 * broker has them durably, which is when a consumer may commit its input.
 *
 * One request is in flight at a time; publishes made meanwhile wait and go
 * together in the next request (group commit), in call order, up to
 * MAX_REQUEST_BYTES each. Concurrent partition handlers thus share requests
 * instead of queueing one each, with no wait added when the producer is idle.
 * A request sent again (ResendPolicy) may repeat the messages a healthy
 * broker had already taken: at least once, as consumers expect.
 */
export class MessagePublisher {
  private readonly queue: Part[] = [];
  private sending = false;

  constructor(
    private readonly producer: Producer,
    private readonly topicName: (spec: TopicSpec) => string,
    private readonly maxRequestBytes = MAX_REQUEST_BYTES,
    private readonly resend: ResendPolicy = DEFAULT_RESEND,
    private readonly errors?: ProduceErrorCounter,
  ) {}

  async publish<S extends z.ZodType>(topic: TopicDefinition<S>, messages: readonly OutgoingMessage<z.infer<S>>[]): Promise<void> {
    await this.publishEncoded(topic, messages.map((m) => encodeMessage(topic, m)));
  }

  /** For bytes that are not ours to validate (dead letters keep the original). */
  async publishEncoded(spec: TopicSpec, messages: readonly EncodedMessage[]): Promise<void> {
    await this.enqueue([{ topic: this.topicName(spec), messages }]);
  }

  /** Several topics' messages, encoded already (encodeMessage), in order; resolved when all of them are acknowledged. */
  async publishEncodedMany(batches: readonly { topic: TopicSpec; messages: readonly EncodedMessage[] }[]): Promise<void> {
    await this.enqueue(batches.map((b) => ({ topic: this.topicName(b.topic), messages: b.messages })));
  }

  private enqueue(batches: readonly { topic: string; messages: readonly EncodedMessage[] }[]): Promise<void> {
    const count = batches.reduce((n, b) => n + b.messages.length, 0);
    if (count === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = { outstanding: count, settled: false, resolve, reject };
      for (const { topic, messages } of batches) {
        for (const message of messages) this.queue.push({ topic, message, bytes: sizeOf(message), ticket });
      }
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      while (this.queue.length > 0) {
        const parts = this.takeRequest();
        try {
          await this.send(parts);
        } catch (err) {
          this.fail(parts, err);
          continue;
        }
        for (const { ticket } of parts) {
          if (--ticket.outstanding === 0 && !ticket.settled) {
            ticket.settled = true;
            ticket.resolve();
          }
        }
      }
    } finally {
      this.sending = false;
    }
  }

  /** Every message of the request in each try, so none depends on what an earlier try reached. */
  private async send(parts: readonly Part[]): Promise<void> {
    const topicMessages = byTopic(parts);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.None });
        return;
      } catch (err) {
        const resent = attempt < this.resend.attempts && isPassingSendFailure(err);
        for (const { topic } of topicMessages) this.errors?.inc({ topic, reason: resent ? 'resent' : 'failed' });
        if (!resent) throw err;
        await sleep(this.resend.clock, resendDelayMs(attempt));
      }
    }
  }

  /** The queue's head, up to the request bound (at least one message). */
  private takeRequest(): Part[] {
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || bytes + this.queue[n].bytes <= this.maxRequestBytes)) bytes += this.queue[n++].bytes;
    return this.queue.splice(0, n);
  }

  /** A failed request fails its publishes, and their parts not yet sent are dropped. */
  private fail(parts: Part[], err: unknown): void {
    const failed = new Set(parts.map((p) => p.ticket));
    for (const ticket of failed) {
      ticket.settled = true;
      ticket.reject(err);
    }
    let kept = 0;
    for (const part of this.queue) if (!failed.has(part.ticket)) this.queue[kept++] = part;
    this.queue.length = kept;
  }
}

function byTopic(parts: readonly Part[]): { topic: string; messages: EncodedMessage[] }[] {
  const topics = new Map<string, EncodedMessage[]>();
  for (const { topic, message } of parts) {
    const messages = topics.get(topic);
    if (messages) messages.push(message);
    else topics.set(topic, [message]);
  }
  return [...topics].map(([topic, messages]) => ({ topic, messages }));
}

function byteLength(x: string | Buffer | null | undefined): number {
  if (x === null || x === undefined) return 0;
  return typeof x === 'string' ? Buffer.byteLength(x) : x.length;
}

function sizeOf(message: EncodedMessage): number {
  let bytes = RECORD_OVERHEAD_BYTES + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += name.length + byteLength(value);
  return bytes;
}

/**
 * Validates against the topic's schema (a bug in the producer if it fails),
 * keys it as the topic says and serialises; while tracing is on, its
 * headers carry its trace context (see kafka-trace.ts). Throws InvalidOutgoingMessageError,
 * or a RangeError for a value nested deeper than the stack.
 */
export function encodeMessage<S extends z.ZodType>(topic: TopicDefinition<S>, message: OutgoingMessage<z.infer<S>>): EncodedMessage {
  if ('tombstone' in message) return { key: message.tombstone, value: null, headers: withTraceHeaders(topic.name, message.trace, message.headers) };
  const check = topic.schema.safeParse(message.value);
  if (!check.success) throw new InvalidOutgoingMessageError(`${topic.name}: ${describeIssues(check.error)}`);
  return { key: topic.key(message.value), value: JSON.stringify(message.value), headers: withTraceHeaders(topic.name, message.trace, message.headers) };
}
