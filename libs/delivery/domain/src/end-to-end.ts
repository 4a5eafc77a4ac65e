import type { AttemptRecord } from './attempt';

/**
 * Seconds from the event entering the platform (`received_at`: when ingest
 * accepted it, over HTTP or Kafka; a producer's own `timestamp` may be
 * hours older or skewed) to the receiver's 2xx, retries included. Undefined
 * for what is no live delivery: a failed attempt, a reflow or a test
 * sample, whose events were received long before they were asked for again.
 */
export function endToEndSeconds(record: AttemptRecord): number | undefined {
  const { job, verdict, startedAt, durationMs } = record;
  if (!verdict.succeeded || job.reflow === true || job.event.metadata.test === true) return undefined;
  const received = Date.parse(job.event.received_at);
  if (!Number.isFinite(received)) return undefined;
  return Math.max(0, startedAt.getTime() + durationMs - received) / 1000;
}
