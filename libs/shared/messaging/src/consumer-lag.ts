import { partitionKey } from './restart-supervisor';

export interface LagLabels {
  group: string;
  topic: string;
  partition: string;
}

/** Where lag is reported (a prom-client Gauge fits). */
export interface LagGauge {
  set(labels: LagLabels, value: number): void;
  remove(labels: LagLabels): void;
}

interface PartitionPosition {
  topic: string;
  partition: number;
  /** The next offset this member will handle (handled or committed up to here); unknown until a batch or a commit says. */
  next?: bigint;
  /** The partition's high watermark: the offset its next message will get. */
  end?: bigint;
}

/**
 * A consumer's lag per partition it owns: the partition's end minus the
 * next offset to handle. Batches move both; a periodic look at the
 * partition ends and the group's commits (`ended`, `committed`) keeps it
 * true when no batch comes: an idle partition, or one held or stuck, whose
 * end moves on while its position does not.
 */
export class ConsumerLag {
  private readonly owned = new Map<string, PartitionPosition>();

  constructor(
    private readonly group: string,
    private readonly gauge: LagGauge,
  ) {}

  /** The partitions this member owns now; the others' lag is another member's to report. */
  assigned(assignment: ReadonlyMap<string, readonly number[]>): void {
    const keep = new Set<string>();
    for (const [topic, partitions] of assignment) {
      for (const partition of partitions) {
        const key = partitionKey(topic, partition);
        keep.add(key);
        if (!this.owned.has(key)) this.owned.set(key, { topic, partition });
      }
    }
    for (const [key, position] of this.owned) {
      if (keep.has(key)) continue;
      this.owned.delete(key);
      this.gauge.remove(this.labels(position));
    }
  }

  /** A batch handled up to (not including) `next`, fetched when the partition ended at `highWatermark`. */
  handled(topic: string, partition: number, next: string, highWatermark: string): void {
    const position = this.position(topic, partition);
    position.next = BigInt(next);
    position.end = max(position.end, BigInt(highWatermark));
    this.report(position);
  }

  /** The partition's end as the cluster answers now. */
  ended(topic: string, partition: number, highWatermark: string): void {
    const position = this.owned.get(partitionKey(topic, partition));
    if (!position) return;
    position.end = BigInt(highWatermark);
    this.report(position);
  }

  /** The group's committed offset: a floor for the position (a member that has handled nothing yet starts there; -1: none). */
  committed(topic: string, partition: number, offset: string): void {
    const position = this.owned.get(partitionKey(topic, partition));
    if (!position || BigInt(offset) < 0n) return;
    position.next = max(position.next, BigInt(offset));
    this.report(position);
  }

  /** Topics of the partitions owned now, for the periodic look. */
  topics(): string[] {
    return [...new Set([...this.owned.values()].map((p) => p.topic))];
  }

  /** Stops reporting (the consumer stopped): its series go, so no stale lag stays behind. */
  clear(): void {
    for (const position of this.owned.values()) this.gauge.remove(this.labels(position));
    this.owned.clear();
  }

  private position(topic: string, partition: number): PartitionPosition {
    const key = partitionKey(topic, partition);
    let position = this.owned.get(key);
    if (!position) {
      // A batch before its GROUP_JOIN was seen: the partition is ours all the same.
      position = { topic, partition };
      this.owned.set(key, position);
    }
    return position;
  }

  private report(position: PartitionPosition): void {
    if (position.next === undefined || position.end === undefined) return;
    const lag = position.end - position.next;
    this.gauge.set(this.labels(position), lag > 0n ? Number(lag) : 0);
  }

  private labels(position: PartitionPosition): LagLabels {
    return { group: this.group, topic: position.topic, partition: String(position.partition) };
  }
}

function max(a: bigint | undefined, b: bigint): bigint {
  return a === undefined || b > a ? b : a;
}
