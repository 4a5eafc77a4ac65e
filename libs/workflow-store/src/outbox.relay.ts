import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Contracts, WorkflowState } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { KafkaConnection } from '@hookstream/messaging';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';
import { WORKFLOW_STORE_SETTINGS, WorkflowStoreSettings } from './workflow-store.settings';

// One relay at a time publishes, so two instances never interleave a workflow's changes.
const RELAY_LOCK = 72_300_001;

/**
 * Publishes the config outbox in id order (so in commit order per workflow)
 * with acks=all, then deletes what was published. A crash before the delete
 * republishes: the topic is compacted and carries full states, so a repeat is harmless.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: KafkaConnection,
    @Inject(WORKFLOW_STORE_SETTINGS) private readonly settings: WorkflowStoreSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
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
      this.logger.warn({ err }, 'config outbox relay failed; retrying');
    }
    this.schedule(published >= this.settings.relayBatchSize ? 0 : this.settings.relayIntervalMs);
  }

  /** Publishes one batch; the number of rows published. */
  async relayOnce(): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const [{ locked }] = await m.query(`SELECT pg_try_advisory_xact_lock($1) AS locked`, [RELAY_LOCK]);
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
      this.logger.debug({ count: rows.length }, 'config changes published');
      return rows.length;
    });
  }
}
