/** Headers a dead letter carries: why, and where the original bytes came from. */
export const DeadLetterHeaders = {
  reason: 'dead-letter-reason',
  topic: 'dead-letter-topic',
  partition: 'dead-letter-partition',
  offset: 'dead-letter-offset',
  at: 'dead-letter-at',
} as const;

export interface OriginalMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | null;
  headers?: Record<string, string>;
}

/** The original bytes, untouched, with the reason in headers. */
export function deadLetterMessage(original: OriginalMessage, reason: string) {
  return {
    key: original.key,
    value: original.value,
    headers: {
      ...original.headers,
      [DeadLetterHeaders.reason]: reason.slice(0, 2000),
      [DeadLetterHeaders.topic]: original.topic,
      [DeadLetterHeaders.partition]: String(original.partition),
      [DeadLetterHeaders.offset]: original.offset,
      [DeadLetterHeaders.at]: new Date().toISOString(),
    },
  };
}
