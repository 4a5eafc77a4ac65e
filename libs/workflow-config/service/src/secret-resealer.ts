import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Logger } from '@hookstream/logging';
import { KeyRing, SEALED_PREFIX } from '@hookstream/secrets';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';
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
    // The store seals all of a state's secrets at once, and every action has a signing secret: a row
    // whose signing secrets are all sealed with the first key needs nothing, and Postgres tells them apart.
    const stale = `$.actions[*].signing_secrets[*] ? (!(@ starts with "${SEALED_PREFIX}${this.keyRing.primaryKeyId}:"))`;
    while (!this.stopped) {
      const rows: { id: string; tenant_id: string }[] = await this.dataSource.query(
        'SELECT id, tenant_id FROM workflows WHERE id > $1 AND jsonb_path_exists(state, $2::jsonpath) ORDER BY id LIMIT $3',
        [after, stale, BATCH],
      );
      if (rows.length === 0) break;
      for (const row of rows) {
        // The store seals every secret anew with the first key; the state itself does not change.
        await this.store.update(row.id, row.tenant_id, (state) => ({ state, result: undefined }));
        resealed++;
      }
      after = rows[rows.length - 1].id;
    }
    if (resealed > 0) this.logger.info({ resealed, keyId: this.keyRing.primaryKeyId }, 'sealed stored secrets with the current key');
    return resealed;
  }
}
