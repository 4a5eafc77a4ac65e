import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Contracts, Topics, WorkflowConfigMessage } from '@hookstream/contracts';
import { WorkflowIndex } from '@hookstream/matching-domain';
import { KafkaConnection } from '@hookstream/messaging';
import { Metrics, ReadinessRegistry } from '@hookstream/service-runtime';

/**
 * Feeds the WorkflowIndex from the compacted config topic. Every matcher
 * instance reads the whole topic from the beginning under a group of its own,
 * so each sees every change; it is caught up once it has read past the high
 * watermarks it found at start, and not ready before.
 */
@Injectable()
export class WorkflowIndexLoader implements OnApplicationBootstrap {
  readonly index = new WorkflowIndex();
  private readonly pending = new Map<number, bigint>();
  private caughtUpResolve!: () => void;
  readonly caughtUp = new Promise<void>((resolve) => (this.caughtUpResolve = resolve));
  private readonly gauge;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly readiness: ReadinessRegistry,
    metrics: Metrics,
  ) {
    this.gauge = metrics.counter('matcher_config_changes_total', 'Workflow config changes applied to the index');
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('workflow-index', async () => {
      if (this.pending.size > 0) throw new Error(`index still loading (${this.pending.size} partitions behind)`);
    });
    for (const [partition, high] of await this.kafka.latestOffsets(Topics.workflowConfig)) {
      if (BigInt(high) > 0n) this.pending.set(partition, BigInt(high));
    }
    if (this.pending.size === 0) this.caughtUpResolve();
    const consumer = this.kafka.consumer<WorkflowConfigMessage>({
      groupId: `matcher-index-${randomBytes(6).toString('hex')}`,
      topics: [Topics.workflowConfig],
      contract: Contracts.workflowConfig,
      deadLetter: Topics.matcherDeadLetter,
      fromBeginning: true,
      handle: async (messages, scope) => {
        for (const m of messages) {
          if (m.key) this.index.apply(m.key, m.value);
        }
        this.gauge.inc(messages.length);
        this.markRead(scope.partition, BigInt(messages[messages.length - 1].offset) + 1n, scope.reachesEnd);
      },
    });
    await consumer.start();
  }

  /** Compaction may have removed the offsets just below the watermark: reaching the end counts too. */
  private markRead(partition: number, next: bigint, reachesEnd: boolean): void {
    const target = this.pending.get(partition);
    if (target === undefined || (next < target && !reachesEnd)) return;
    this.pending.delete(partition);
    if (this.pending.size === 0) this.caughtUpResolve();
  }
}
