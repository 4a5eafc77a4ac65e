import { randomBytes } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { DeadLetterHeaders } from './dead-letter';
import type { KafkaConnection } from './kafka-connection';
import type { EncodedMessage } from './message-publisher';

/** A dead letter as an operator sees it: where it is, why, and where it came from. */
export interface DeadLetterEntry {
  partition: number;
  offset: string;
  key: string | null;
  reason: string | null;
  originalTopic: string | null;
  originalPartition: string | null;
  originalOffset: string | null;
  at: string | null;
  /** Size of the original value kept (0: a tombstone, or too big to copy). */
  bytes: number;
}

/** Which letters to replay: one (by its place in the dead-letter topic), or all of them. */
export type ReplaySelection = { offset: string; partition?: number } | 'all';

export interface ReplayResult {
  replayed: number;
  skipped: { partition: number; offset: string; why: string }[];
}

interface Letter {
  partition: number;
  message: KafkaMessage;
}

const READ_TIMEOUT_MS = 30_000;

/**
 * Shows what a dead-letter topic holds and puts letters back where they came
 * from: the original key and bytes, to the topic named in the letter's
 * `dead-letter-topic` header, with the dead-letter headers dropped (the
 * original headers kept). Only topics of this connection's deployment (its
 * prefix) are written to. The letters stay in the dead-letter topic: replaying
 * one twice publishes it twice.
 */
export class DeadLetterReplay {
  constructor(private readonly connection: KafkaConnection) {}

  async list(deadLetterTopic: string): Promise<DeadLetterEntry[]> {
    return (await this.read(deadLetterTopic)).map(({ partition, message }) => {
      const header = (name: string) => message.headers?.[name]?.toString() ?? null;
      return {
        partition,
        offset: message.offset,
        key: message.key?.toString('utf8') ?? null,
        reason: header(DeadLetterHeaders.reason),
        originalTopic: header(DeadLetterHeaders.topic),
        originalPartition: header(DeadLetterHeaders.partition),
        originalOffset: header(DeadLetterHeaders.offset),
        at: header(DeadLetterHeaders.at),
        bytes: message.value?.length ?? 0,
      };
    });
  }

  async replay(deadLetterTopic: string, selection: ReplaySelection): Promise<ReplayResult> {
    const letters = (await this.read(deadLetterTopic)).filter(
      (l) => selection === 'all' || (l.message.offset === selection.offset && l.partition === (selection.partition ?? 0)),
    );
    const result: ReplayResult = { replayed: 0, skipped: [] };
    if (selection !== 'all' && letters.length === 0) throw new Error(`no dead letter at partition ${selection.partition ?? 0} offset ${selection.offset} of ${deadLetterTopic}`);
    const byTopic = new Map<string, EncodedMessage[]>();
    for (const { partition, message } of letters) {
      const target = this.replayTarget(message);
      if (!target.ok) {
        result.skipped.push({ partition, offset: message.offset, why: target.why });
        continue;
      }
      const messages = byTopic.get(target.topic) ?? [];
      messages.push({ key: message.key, value: message.value, headers: originalHeaders(message) });
      byTopic.set(target.topic, messages);
    }
    for (const [topic, messages] of byTopic) {
      // Publishing needs only the name; the letters keep their original keys.
      await this.connection.publisher.publishEncoded({ name: topic, partitions: 0 }, messages);
      result.replayed += messages.length;
    }
    return result;
  }

  /** The topic to put a letter back on, as the publisher names it (without this deployment's prefix). */
  private replayTarget(message: KafkaMessage): { ok: true; topic: string } | { ok: false; why: string } {
    const original = message.headers?.[DeadLetterHeaders.topic]?.toString();
    if (!original) return { ok: false, why: `no ${DeadLetterHeaders.topic} header: not a dead letter of a consumer` };
    const prefix = this.connection.topic('');
    if (!original.startsWith(prefix) || original.length === prefix.length) return { ok: false, why: `${original} is not a topic of this deployment (prefix "${prefix}")` };
    if (message.value === null) return { ok: false, why: 'the original bytes were not copied (too big, or a tombstone): read them at the original offset' };
    return { ok: true, topic: original.slice(prefix.length) };
  }

  /** Every letter up to the topic's end as of now, read by a throwaway group that is deleted afterwards. */
  private async read(deadLetterTopic: string): Promise<Letter[]> {
    const topic = this.connection.topic(deadLetterTopic);
    const admin = this.connection.kafka.admin();
    await admin.connect();
    const groupId = this.connection.groupId(`dead-letter-reader-${randomBytes(4).toString('hex')}`);
    try {
      if (!(await admin.listTopics()).includes(topic)) throw new Error(`no topic ${topic}`);
      const ends = new Map((await admin.fetchTopicOffsets(topic)).filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
      if (ends.size === 0) return [];
      const letters: Letter[] = [];
      const consumer = this.connection.kafka.consumer({ groupId, allowAutoTopicCreation: false });
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`could not read ${topic} to its end within ${READ_TIMEOUT_MS} ms`)), READ_TIMEOUT_MS);
          const remaining = new Map(ends);
          consumer
            .run({
              eachMessage: async ({ partition, message }) => {
                const end = remaining.get(partition);
                if (end === undefined || BigInt(message.offset) >= end) return;
                letters.push({ partition, message });
                if (BigInt(message.offset) + 1n >= end) remaining.delete(partition);
                if (remaining.size === 0) {
                  clearTimeout(timer);
                  resolve();
                }
              },
            })
            .catch(reject);
        });
      } finally {
        await consumer.disconnect();
        await admin.deleteGroups([groupId]).catch(() => undefined);
      }
      return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.message.offset) - BigInt(b.message.offset)));
    } finally {
      await admin.disconnect();
    }
  }
}

/** The headers the original message had: the dead-letter ones dropped. */
function originalHeaders(message: KafkaMessage): Record<string, Buffer | string> {
  const dropped = new Set<string>(Object.values(DeadLetterHeaders));
  const headers = new Map<string, Buffer | string>();
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (dropped.has(name) || value === undefined) continue;
    headers.set(name, Array.isArray(value) ? value.map(String).join(',') : value);
  }
  return Object.fromEntries(headers);
}
