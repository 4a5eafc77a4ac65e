import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Contracts, decodeMessage, Topics, WorkflowConfigMessage, type WorkflowIndexAnswer } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { WorkflowIndex } from '@hookstream/matching-domain';
import { BatchConsumer, ConsumedMessage, deadLetterMessage, KafkaConnection } from '@hookstream/messaging';
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
export class WorkflowIndexLoader implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly index = new WorkflowIndex();
  readonly caughtUp: Promise<void>;
  private markCaughtUp!: () => void;
  private loaded = false;
  /** Partitions not yet read up to their start-time high watermark. */
  private readonly behind = new Map<number, bigint>();
  private readonly groupId: string;
  private consumer: BatchConsumer<Buffer | null> | undefined;
  private readonly changes;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly readiness: ReadinessRegistry,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    @Inject(MATCHING_SETTINGS) settings: MatchingSettings,
    metrics: Metrics,
  ) {
    this.groupId = `${settings.groupId}-index-${randomBytes(6).toString('hex')}`;
    this.caughtUp = new Promise((resolve) => (this.markCaughtUp = resolve));
    this.changes = metrics.counter('matcher_config_changes_total', 'Workflow config messages applied to the index', ['outcome']);
  }

  /** What MatcherApi.workflowIndex answers: instances that read the same topic agree on the fingerprint. */
  describe(): WorkflowIndexAnswer {
    return { loaded: this.loaded, workflows: this.index.size, fingerprint: this.index.fingerprint() };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('workflow-index', async () => {
      if (!this.loaded) throw new Error(`index still loading (${this.behind.size} config partitions behind)`);
      const error = this.consumer?.healthError();
      if (error) throw new Error(`config consumer stopped, the index is going stale: ${error.message}`);
    });
    for (const [partition, high] of await this.kafka.latestOffsets(Topics.workflowConfig)) {
      if (BigInt(high) > 0n) this.behind.set(partition, BigInt(high));
    }
    this.settleIfCaughtUp();
    this.consumer = this.kafka.consumer<Buffer | null>({
      groupId: this.groupId,
      topics: [Topics.workflowConfig],
      fromBeginning: true,
      handle: (messages, scope) => this.applyBatch(messages, scope.partition, scope.reachesEnd),
    });
    await this.consumer.start();
  }

  /** The group is this instance's alone: leave no trace of it on the broker. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    await this.kafka.deleteGroups([this.groupId]).catch((err: unknown) => this.logger.warn({ err, groupId: this.groupId }, 'could not delete the index group'));
  }

  /**
   * Decoded here rather than by the consumer, so that a batch of nothing but
   * invalid messages still counts towards catching up, and so that a
   * workflow whose latest state is unreadable leaves the index: better no
   * deliveries than deliveries under conditions its owner has changed.
   */
  private async applyBatch(messages: ConsumedMessage<Buffer | null>[], partition: number, reachesEnd: boolean): Promise<void> {
    const rejected: ReturnType<typeof deadLetterMessage>[] = [];
    for (const m of messages) {
      const read = readConfigMessage(m);
      if (m.key) this.index.apply(m.key, 'state' in read ? read.state : null);
      if ('reason' in read) rejected.push(deadLetterMessage(m, read.reason));
    }
    if (rejected.length > 0) {
      this.logger.error({ count: rejected.length, partition }, 'unreadable workflow config messages: dead-lettered, their workflows left the index');
      await this.kafka.publisher.publishEncoded(Topics.matcherDeadLetter, rejected);
    }
    this.changes.inc({ outcome: 'applied' }, messages.length - rejected.length);
    this.changes.inc({ outcome: 'rejected' }, rejected.length);
    this.markRead(partition, BigInt(messages[messages.length - 1].offset) + 1n, reachesEnd);
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

function readConfigMessage(m: ConsumedMessage<Buffer | null>): { state: WorkflowConfigMessage } | { reason: string } {
  if (!m.key) return { reason: 'no key (the workflow id)' };
  const decoded = decodeMessage(Contracts.workflowConfig, m.value);
  if (!decoded.ok) return { reason: decoded.reason };
  if (decoded.value && decoded.value.id !== m.key) return { reason: `key ${m.key} is not the workflow's id ${decoded.value.id}` };
  return { state: decoded.value };
}
