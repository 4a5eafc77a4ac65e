import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Contracts, WorkflowState } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { KafkaConnection } from '@hookstream/messaging';
import { Metrics, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { WORKFLOW_STORE_SETTINGS, WorkflowStoreSettings } from './workflow-store.settings';

/**
 * With hashtext(schema), the advisory lock of a schema's relay: one relay at
 * a time publishes, so two instances never interleave a workflow's changes,
 * while deployments in other schemas of the database relay on their own.
 */
export const RELAY_LOCK_CLASS = 72_300_001;

/**
 * Publishes the config outbox in id order (so in commit order per workflow)
 * with acks=all, then deletes what was published. A crash before the delete
 * republishes: the topic is compacted and carries full states, so a repeat is harmless.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly published: ReturnType<Metrics['counter']>;
  private readonly failures: ReturnType<Metrics['counter']>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaConnection,
    @Inject(WORKFLOW_STORE_SETTINGS) private readonly settings: WorkflowStoreSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.published = metrics.counter('config_changes_published_total', 'Workflow states and tombstones published to the config topic');
    // Rising while nothing is published: Kafka or Postgres is out of reach and changes wait in the outbox.
    this.failures = metrics.counter('config_relay_failures_total', 'Relay rounds that failed and will be retried');
  }

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  // Before Kafka and Postgres close (they do on application shutdown), so a batch in flight completes.
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => (this.running = undefined));
    }, delayMs);
  }

  private async tick(): Promise<void> {
    let published = 0;
    try {
      published = await this.relayOnce();
    } catch (err) {
      this.failures.inc();
      this.logger.warn({ err }, 'config outbox relay failed; retrying');
    }
    this.schedule(published >= this.settings.relayBatchSize ? 0 : this.settings.relayIntervalMs);
  }

  /** Publishes one batch; the number of rows published. */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock($1, hashtext(current_schema())) AS locked`, [RELAY_LOCK_CLASS]);
      if (!locked) return 0;
      const rows: { id: string; workflow_id: string; state: WorkflowState | null }[] = await m.query(
        `SELECT id, workflow_id, state FROM config_outbox ORDER BY id FOR UPDATE SKIP LOCKED LIMIT $1`,
        [this.settings.relayBatchSize],
      );
      if (rows.length === 0) return 0;
      await this.kafka.publisher.publish(
        Contracts.workflowConfig,
        rows.map((r) => ({ key: r.workflow_id, value: r.state })),
      );
      await m.query(`DELETE FROM config_outbox WHERE id = ANY($1::bigint[])`, [rows.map((r) => r.id)]);
      this.published.inc(rows.length);
      this.logger.debug({ count: rows.length }, 'config changes published');
      return rows.length;
    });
  }
}
