/**
 * The partition Kafka's default partitioner (murmur2, as the Java client and
 * kafkajs compute it) gives a key: lets a test put a victim's message on the
 * same partition as a poison, without depending on the client library.
 */
export function partitionOfKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}

/** One key per partition, each `prefix` plus a counter: messages on every partition of a topic. */
export function keysCoveringPartitions(prefix: string, partitions: number): string[] {
  const keys = new Map<number, string>();
  for (let n = 0; keys.size < partitions; n++) {
    const key = `${prefix}${n}`;
    const partition = partitionOfKey(key, partitions);
    if (!keys.has(partition)) keys.set(partition, key);
  }
  return [...keys.entries()].sort(([a], [b]) => a - b).map(([, key]) => key);
}

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

function murmur2(data: Buffer): number {
  const length = data.length;
  let h = SEED ^ length;
  const whole = length - (length % 4);
  for (let i = 0; i < whole; i += 4) {
    let k = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length % 4;
  if (tail === 3) h ^= data[whole + 2] << 16;
  if (tail >= 2) h ^= data[whole + 1] << 8;
  if (tail >= 1) h = Math.imul(h ^ data[whole], M);
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h;
}
