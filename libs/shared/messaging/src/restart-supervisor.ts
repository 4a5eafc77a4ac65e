import type { Clock } from './clock';

interface FailureSpot {
  topic: string;
  partition: number;
  /** The offset the partition keeps failing at (the first of the failed batch when it first failed). */
  offset: bigint;
  tries: number;
  /** Failures that were the messages' fault, not an outage: they decide when a batch is narrowed down. */
  handlingFailures: number;
  sinceMs: number;
}

/**
 * Watches each partition for work that fails again and again at the same
 * offset: a handler retried in place, or a consumer restarted from the same
 * commit. Past `stuckAfterAttempts` tries the consumer is not ready, and says
 * where it is stuck; once the partition gets past that offset it is ready
 * again. Only partitions that fail are tracked.
 */
export class RestartSupervisor {
  private readonly spots = new Map<string, FailureSpot>();

  constructor(
    private readonly stuckAfterAttempts: number,
    private readonly clock: Clock,
  ) {}

  /** Handling of offsets `first`..`last` of a partition failed (threw, or its work did not become durable). */
  failed(topic: string, partition: number, first: string, last: string, transient: boolean): void {
    const key = partitionKey(topic, partition);
    const spot = this.spots.get(key);
    const from = BigInt(first);
    if (spot && spot.offset >= from && spot.offset <= BigInt(last)) {
      spot.tries++;
      if (!transient) spot.handlingFailures++;
      return;
    }
    this.spots.set(key, { topic, partition, offset: from, tries: 1, handlingFailures: transient ? 0 : 1, sinceMs: this.clock.now() });
  }

  /** Everything of the partition before `next` is done (handled and durable). */
  movedTo(topic: string, partition: number, next: string): void {
    const key = partitionKey(topic, partition);
    const spot = this.spots.get(key);
    if (spot && BigInt(next) > spot.offset) this.spots.delete(key);
  }

  /** How often offsets `first`..`last` failed through the messages' fault so far. */
  handlingFailuresWithin(topic: string, partition: number, first: string, last: string): number {
    const spot = this.spots.get(partitionKey(topic, partition));
    if (!spot || spot.offset < BigInt(first) || spot.offset > BigInt(last)) return 0;
    return spot.handlingFailures;
  }

  /** The partitions this member no longer owns are another member's to watch. */
  keepOnly(owns: (topic: string, partition: number) => boolean): void {
    for (const [key, spot] of this.spots) if (!owns(spot.topic, spot.partition)) this.spots.delete(key);
  }

  /** Why this consumer is not ready, if a partition is stuck. */
  stuckError(): Error | undefined {
    for (const spot of this.spots.values()) {
      if (spot.tries <= this.stuckAfterAttempts) continue;
      const seconds = Math.round((this.clock.now() - spot.sinceMs) / 1000);
      return new Error(`stuck at topic ${spot.topic} partition ${spot.partition} offset ${spot.offset} after ${spot.tries} tries (${seconds} s)`);
    }
    return undefined;
  }
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}|${partition}`;
}
