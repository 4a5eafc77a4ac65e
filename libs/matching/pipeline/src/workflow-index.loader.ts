import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { readWorkflowConfig, Topics, type WorkflowIndexAnswer } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { WorkflowIndex } from '@hookstream/matching-domain';
import { BatchScope, ConsumedMessage, ConsumerHost, KafkaConnection } from '@hookstream/messaging';
import { Metrics, ReadinessRegistry, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { MATCHING_SETTINGS, MatchingSettings } from './matching-settings';

/**
 * Feeds the WorkflowIndex from the compacted config topic. Every matcher
 * instance reads the whole topic from the beginning under a group of its own
 * (nothing it commits is ever read back), so each sees every change; it is
 * caught up once it has read past the high watermarks it found at start, and
 * not ready before.
 */
@Injectable()
export class WorkflowIndexLoader implements OnApplicationBootstrap {
  readonly index = new WorkflowIndex();
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private loaded = false;
  /** Partitions not yet read up to their start-time high watermark. */
  private readonly behind = new Map<number, bigint>();
  private readonly changes;

  constructor(
    private readonly kafka: KafkaConnection,
    host: ConsumerHost,
    private readonly readiness: ReadinessRegistry,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(MATCHING_SETTINGS) settings: MatchingSettings,
    metrics: Metrics,
  ) {
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.changes = metrics.counter('matcher_config_changes_total', 'Workflow config messages applied to the index', ['outcome']);
    host.add<Buffer | null>({
      groupId: `${settings.groupId}-index`,
      perInstance: true,
      topics: [Topics.workflowConfig],
      fromBeginning: true,
      beforeStart: () => this.findEnds(),
      handle: async (messages, scope) => this.applyBatch(messages, scope),
    });
  }

  /** What MatcherApi.workflowIndex answers: instances that read the same topic agree on the fingerprint. */
  describe(): WorkflowIndexAnswer {
    return { loaded: this.loaded, workflows: this.index.size, fingerprint: this.index.fingerprint() };
  }

  onApplicationBootstrap(): void {
    this.readiness.register('workflow-index', async () => {
      if (!this.loaded) throw new Error(`index still loading (${this.behind.size} config partitions behind)`);
    });
  }

  /** The high watermarks at start: the index is loaded once it has read up to them. */
  private async findEnds(): Promise<void> {
    for (const [partition, high] of await this.kafka.latestOffsets(Topics.workflowConfig)) {
      if (BigInt(high) > 0n) this.behind.set(partition, BigInt(high));
    }
    this.settleIfCaughtUp();
  }

  /**
   * Decoded here rather than by the consumer, so that a batch of nothing but
   * invalid messages still counts towards catching up, and so that a
   * workflow whose latest state is unreadable leaves the index: better no
   * deliveries than deliveries under conditions its owner has changed.
   */
  private applyBatch(messages: ConsumedMessage<Buffer | null>[], scope: BatchScope): void {
    let rejected = 0;
    for (const m of messages) {
      const read = readWorkflowConfig(m.key, m.value);
      if (m.key) this.index.apply(m.key, 'state' in read ? read.state : null);
      if ('reason' in read) {
        scope.reject(m, read.reason);
        rejected++;
      }
    }
    if (rejected > 0) this.logger.error({ count: rejected, partition: scope.partition }, 'unreadable workflow config messages: dead-lettered, their workflows left the index');
    this.changes.inc({ outcome: 'applied' }, messages.length - rejected);
    this.changes.inc({ outcome: 'rejected' }, rejected);
    this.markRead(scope.partition, BigInt(messages[messages.length - 1].offset) + 1n, scope.reachesEnd);
  }

  /** Compaction may have removed the offsets just below the watermark: reaching the end counts too. */
  private markRead(partition: number, next: bigint, reachesEnd: boolean): void {
    const target = this.behind.get(partition);
    if (target === undefined || (next < target && !reachesEnd)) return;
    this.behind.delete(partition);
    this.settleIfCaughtUp();
  }

  private settleIfCaughtUp(): void {
    if (this.loaded || this.behind.size > 0) return;
    this.loaded = true;
    this.logger.info({ workflows: this.index.size, fingerprint: this.index.fingerprint() }, 'workflow index loaded');
    this.markCaughtUp();
  }
}
