import { Agent } from 'undici';
import { benchEvent, EventStream } from './event-producer';
import { LatencySummary, sleep, summarize } from './stats';

/** One phase of HTTP sends: what the gateway accepted, and how long its answers took. */
export interface HttpSendResult {
  /** Events sent (every request's events, answered or not). */
  sent: number;
  /** Events answered 202: the ones a receiver should see. */
  accepted: number;
  /** Requests answered anything but 202, by status (0: no answer). */
  refused: Record<string, number>;
  /** Sent to answered, per request. */
  requestLatency: LatencySummary;
  startedAt: number;
  /** When the last request was sent. */
  lastSentAt: number;
  /** When the last answer came. */
  endedAt: number;
}

/**
 * A producer without Kafka: POSTs the bench's events to the gateway's
 * `/events` (one a request) or `/events/batch`, authenticated with a
 * tenant's key, over keep-alive connections (at most `connections` at once,
 * as that many clients would). Each event carries its send time in data,
 * so the receiver measures from the request to the delivery.
 */
export class HttpEventProducer {
  private readonly agent: Agent;

  constructor(
    private readonly gatewayUrl: string,
    private readonly apiKey: string,
    private readonly runId: string,
    readonly connections = 64,
  ) {
    this.agent = new Agent({ connections, keepAliveTimeout: 60_000, pipelining: 1 });
  }

  /**
   * `clients` loops, each sending its next request as soon as the last one
   * is answered, until `durationMs` has passed (or `maxEvents` are sent).
   */
  async saturate(stream: EventStream, options: { clients: number; batchSize: number; durationMs: number; maxEvents?: number }): Promise<HttpSendResult> {
    const tally = new Tally();
    const until = tally.startedAt + options.durationMs;
    const max = options.maxEvents ?? Number.POSITIVE_INFINITY;
    let next = 0;
    const client = async () => {
      while (Date.now() < until && next < max) {
        const from = next;
        next = Math.min(max, next + options.batchSize);
        await this.send(stream, from, next, options.batchSize > 1, tally);
      }
    };
    await Promise.all(Array.from({ length: options.clients }, client));
    return tally.result();
  }

  /** A steady rate of single-event requests: every 10 ms, those due by then, each sent without waiting for the others' answers. */
  async paced(stream: EventStream, perSecond: number, durationMs: number): Promise<HttpSendResult> {
    const count = Math.round((perSecond * durationMs) / 1000);
    const tally = new Tally();
    const pending: Promise<void>[] = [];
    let sent = 0;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((Date.now() - tally.startedAt) * perSecond) / 1000) + 1);
      for (; sent < due; sent++) pending.push(this.send(stream, sent, sent + 1, false, tally));
      await sleep(Math.max(0, 10 - ((Date.now() - tally.startedAt) % 10)));
    }
    await Promise.all(pending);
    return tally.result();
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async send(stream: EventStream, from: number, to: number, batch: boolean, tally: Tally): Promise<void> {
    const sentAt = tally.sending();
    const events = [];
    for (let seq = from; seq < to; seq++) events.push(benchEvent(this.runId, stream, seq, sentAt));
    let status = 0;
    try {
      const res = await this.agent.request({
        origin: this.gatewayUrl,
        method: 'POST',
        path: batch ? '/events/batch' : '/events',
        headers: { authorization: `Bearer ${this.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch ? events : events[0]),
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      status = res.statusCode;
      await res.body.dump();
    } catch {
      // No answer: counted under status 0.
    }
    tally.add(status, events.length, Date.now() - sentAt);
  }
}

class Tally {
  readonly startedAt = Date.now();
  private sent = 0;
  private accepted = 0;
  private readonly refused: Record<string, number> = {};
  private readonly latencies: number[] = [];
  private lastSentAt = 0;

  /** The time a request is sent, noted as the latest. */
  sending(): number {
    this.lastSentAt = Date.now();
    return this.lastSentAt;
  }

  add(status: number, events: number, latencyMs: number): void {
    this.sent += events;
    this.latencies.push(latencyMs);
    if (status === 202) this.accepted += events;
    else this.refused[status] = (this.refused[status] ?? 0) + 1;
  }

  result(): HttpSendResult {
    return { sent: this.sent, accepted: this.accepted, refused: this.refused, requestLatency: summarize(this.latencies), startedAt: this.startedAt, lastSentAt: this.lastSentAt, endedAt: Date.now() };
  }
}
