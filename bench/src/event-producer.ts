import { ProducerEvent, Topics } from '@hookstream/contracts';
import type { KafkaConnection } from '@hookstream/messaging';
import { BENCH_TENANT } from './bench-platform';
import { sleep } from './stats';

/** The events of one scenario phase: a tag that makes their ids unique, a type their workflows listen to. */
export interface EventStream {
  tag: string;
  type: string;
  /** Entity of the n-th event, for workflows with an entity condition. */
  entity?: (seq: number) => string;
  /** Tenant of the n-th event; the bench tenant unless told. */
  tenant?: (seq: number) => string;
}

export interface ProduceResult {
  count: number;
  /** Epoch ms each event was handed to the producer, by sequence number. */
  sentAt: Float64Array;
  startedAt: number;
  endedAt: number;
}

const BATCH = 1000;

/** The n-th event of a stream, over Kafka or HTTP alike: a producer id unique to the run, its sequence number and send time in data. */
export function benchEvent(runId: string, stream: EventStream, seq: number, sentAtMs: number): ProducerEvent {
  return {
    id: `${runId}-${stream.tag}-${seq}`,
    source: 'gateway',
    type: stream.type,
    tenant: stream.tenant?.(seq) ?? BENCH_TENANT,
    subject_id: `pay_${runId}${stream.tag}${seq}`,
    ...(stream.entity ? { entity_id: stream.entity(seq) } : {}),
    data: { amount: 1000 + (seq % 100), currency: 'EUR', reference: `ord-${seq}`, bench_seq: seq, sent_at_ms: sentAtMs },
  };
}

/**
 * Publishes producer events (the envelope event-ingest reads) to the inbound
 * topic, keyed by subject id. Every event has a producer id unique to this run
 * and carries its sequence number and send time in data.
 */
export class EventProducer {
  constructor(
    private readonly kafka: KafkaConnection,
    private readonly runId: string,
  ) {}

  event(stream: EventStream, seq: number, sentAtMs: number): ProducerEvent {
    return benchEvent(this.runId, stream, seq, sentAtMs);
  }

  /** As fast as the broker takes them: batches of 1,000, two sends in flight. */
  async blast(stream: EventStream, count: number): Promise<ProduceResult> {
    const sentAt = new Float64Array(count);
    const startedAt = Date.now();
    let next = 0;
    const lane = async () => {
      while (next < count) {
        const from = next;
        next = Math.min(count, next + BATCH);
        await this.send(stream, from, next, sentAt);
      }
    };
    await Promise.all([lane(), lane()]);
    return { count, sentAt, startedAt, endedAt: Date.now() };
  }

  /** A steady rate: every 10 ms, the events due by then. */
  async paced(stream: EventStream, perSecond: number, durationMs: number): Promise<ProduceResult> {
    const count = Math.round((perSecond * durationMs) / 1000);
    const sentAt = new Float64Array(count);
    const startedAt = Date.now();
    let sent = 0;
    while (sent < count) {
      const due = Math.min(count, Math.floor(((Date.now() - startedAt) * perSecond) / 1000) + 1);
      if (due > sent) {
        await this.send(stream, sent, due, sentAt);
        sent = due;
      }
      await sleep(Math.max(0, 10 - ((Date.now() - startedAt) % 10)));
    }
    return { count, sentAt, startedAt, endedAt: Date.now() };
  }

  private async send(stream: EventStream, from: number, to: number, sentAt: Float64Array): Promise<void> {
    const now = Date.now();
    const messages = [];
    for (let seq = from; seq < to; seq++) {
      const event = this.event(stream, seq, now);
      sentAt[seq] = now;
      messages.push({ key: event.subject_id, value: JSON.stringify(event) });
    }
    await this.kafka.publisher.publishEncoded(Topics.producerEvents, messages);
  }
}
