import type { Clock } from './clock';
import { partitionKey } from './restart-supervisor';

/** What holds need of a consumer: kafkajs' pause and resume of one partition. */
export interface PartitionSwitch {
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
}

interface Hold {
  topic: string;
  partition: number;
  timer: NodeJS.Timeout;
}

/**
 * Partitions paused until a time (BatchScope.holdFrom): one pending resume
 * per partition. Belongs to one kafkajs consumer; a restart starts afresh.
 */
export class PartitionHolds {
  private readonly holds = new Map<string, Hold>();

  constructor(
    private readonly partitions: PartitionSwitch,
    private readonly clock: Clock,
  ) {}

  // No seek: the resolved and committed offsets already point at the held
  // message. A seek would outlive a rebalance that takes the partition away
  // (kafkajs keeps pending seeks per partition) and rewind it, should it come
  // back, to an offset another member has since processed past.
  hold(topic: string, partition: number, untilMs: number): void {
    const key = partitionKey(topic, partition);
    this.clock.clearTimeout(this.holds.get(key)?.timer);
    this.partitions.pause(topic, partition);
    const timer = this.clock.setTimeout(
      () => {
        this.holds.delete(key);
        this.partitions.resume(topic, partition);
      },
      Math.max(0, untilMs - this.clock.now()),
    );
    this.holds.set(key, { topic, partition, timer });
  }

  /**
   * kafkajs keeps a partition's pause across rebalances, even while another
   * member owns it. A held partition this member lost is resumed at once, so
   * that if it comes back it is read afresh from its committed offset (where
   * the held message is re-judged) instead of staying paused on a stale timer.
   * Holds on partitions kept stay as they are: the offset is still right.
   */
  releaseNotIn(owns: (topic: string, partition: number) => boolean): void {
    for (const [key, hold] of this.holds) {
      if (owns(hold.topic, hold.partition)) continue;
      this.clock.clearTimeout(hold.timer);
      this.holds.delete(key);
      this.partitions.resume(hold.topic, hold.partition);
    }
  }

  /** Forgets every hold without resuming: the consumer is going away. */
  clear(): void {
    for (const hold of this.holds.values()) this.clock.clearTimeout(hold.timer);
    this.holds.clear();
  }

  isHeld(topic: string, partition: number): boolean {
    return this.holds.has(partitionKey(topic, partition));
  }
}
