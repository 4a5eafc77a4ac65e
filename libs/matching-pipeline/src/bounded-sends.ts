/**
 * kafkajs puts all of one send's records for a partition into one record
 * batch, which the broker refuses past message.max.bytes (1 MiB by default),
 * and a refused batch would be retried forever: big batches go out as
 * several sends, each well below that. (The same as event-ingest's: it
 * belongs in MessagePublisher, which is shared and not ours to change.)
 */
export const MAX_SEND_BYTES = 768 * 1024;

/** Sends `items` in order, in chunks of at most MAX_SEND_BYTES (a larger single item goes alone). */
export async function sendBounded<T>(items: readonly T[], sizeOf: (item: T) => number, send: (chunk: T[]) => Promise<void>): Promise<void> {
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (chunk.length > 0 && bytes + size > MAX_SEND_BYTES) {
      await send(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) await send(chunk);
}
