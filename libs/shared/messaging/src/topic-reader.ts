import { randomBytes } from 'node:crypto';
import type { TopicSpec } from '@hookstream/contracts';
import type { KafkaConnection } from './kafka-connection';

/** One message as read back from a topic. */
export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
}

export interface TopicReadOptions {
  /** Gives up (rejects) past this; 60 s by default. */
  timeoutMs?: number;
  /** Gives up (rejects) when aborted: the service is stopping. */
  signal?: AbortSignal;
}

/**
 * Hands every message of a topic, up to its end as it is when called, to
 * `each`, in offset order per partition; returns how many. Read by a
 * throwaway group, deleted afterwards, so nothing of it stays on the
 * broker: for a service that checks what a compacted topic holds. A
 * partition is read once a message at or past its end was seen, or a batch
 * reached the partition's end (compaction may have removed the last offsets).
 */
export async function readTopicToEnd(connection: KafkaConnection, spec: TopicSpec, each: (record: TopicRecord) => void, options: TopicReadOptions = {}): Promise<number> {
  const topic = connection.topic(spec);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const admin = connection.kafka.admin();
  await admin.connect();
  const groupId = connection.groupId(`topic-reader-${randomBytes(6).toString('hex')}`);
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    const remaining = new Map(offsets.filter((p) => BigInt(p.high) > BigInt(p.low)).map((p) => [p.partition, BigInt(p.high)]));
    if (remaining.size === 0) return 0;
    let read = 0;
    const consumer = connection.kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const fail = (err: Error) => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', aborted);
          reject(err);
        };
        const aborted = () => fail(new Error(`stopped reading ${topic}`));
        const timer = setTimeout(() => fail(new Error(`could not read ${topic} to its end within ${timeoutMs} ms`)), timeoutMs);
        if (options.signal?.aborted) return aborted();
        options.signal?.addEventListener('abort', aborted, { once: true });
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              const end = remaining.get(batch.partition);
              if (end === undefined) return;
              for (const m of batch.messages) {
                if (BigInt(m.offset) >= end) break;
                each({ partition: batch.partition, offset: m.offset, key: m.key?.toString('utf8') ?? null, value: m.value });
                read++;
              }
              const last = batch.messages[batch.messages.length - 1];
              if (batch.offsetLag() === '0' || (last && BigInt(last.offset) + 1n >= end)) remaining.delete(batch.partition);
              if (remaining.size === 0) {
                clearTimeout(timer);
                options.signal?.removeEventListener('abort', aborted);
                resolve();
              }
            },
          })
          .catch(fail);
      });
      return read;
    } finally {
      await consumer.disconnect();
      await admin.deleteGroups([groupId]).catch(() => undefined);
    }
  } finally {
    await admin.disconnect();
  }
}
