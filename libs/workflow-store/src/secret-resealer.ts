import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, MoreThan } from 'typeorm';
import type { Logger } from '@hookstream/logging';
import { KeyRing } from '@hookstream/secrets';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';
import { someWorkflowSecret } from '@hookstream/workflow-definition';
import { WorkflowEntity } from './workflow.entity';
import { WorkflowStore } from './workflow.store';

const BATCH = 200;

/**
 * After boot, seals every secret still stored in clear (rows from before
 * sealing) or under a key other than the ring's first (after a key
 * rotation), through the store, so the outbox publishes the sealed state and
 * the config topic's compaction drops the old value. Runs in the background:
 * until it is done, reads take both forms.
 */
@Injectable()
export class SecretResealer implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: WorkflowStore,
    private readonly keyRing: KeyRing,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.resealAll().then(
      () => undefined,
      (err: unknown) => this.logger.error({ err }, 'resealing stored secrets failed; the next start tries again'),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** The number of workflows resealed. */
  async resealAll(): Promise<number> {
    let resealed = 0;
    let after = '';
    while (!this.stopped) {
      const rows = await this.dataSource.getRepository(WorkflowEntity).find({ where: { id: MoreThan(after) }, order: { id: 'ASC' }, take: BATCH });
      if (rows.length === 0) break;
      for (const row of rows) {
        if (!someWorkflowSecret(row.state, (secret) => this.keyRing.needsReseal(secret))) continue;
        // The store seals every secret anew with the first key; the state itself does not change.
        await this.store.update(row.id, row.tenantId, (state) => ({ state, result: undefined }));
        resealed++;
      }
      after = rows[rows.length - 1].id;
    }
    if (resealed > 0) this.logger.info({ resealed, keyId: this.keyRing.primaryKeyId }, 'sealed stored secrets with the current key');
    return resealed;
  }
}
