import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import type { WorkflowActor } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { rowsOf } from '@hookstream/persistence';
import { KeyRing, SEALED_PREFIX } from '@hookstream/secrets';
import { SERVICE_LOGGER } from '@hookstream/service-runtime';
import { WorkflowStore } from './workflow.store';

const BATCH = 200;
const RESEALER: WorkflowActor = { type: 'platform', id: 'resealer' };
const WorkflowRow = z.object({ id: z.string(), tenant_id: z.string() });

/**
 * Seals every secret still stored in clear (rows from before sealing) or
 * under a key other than the ring's first (after a key rotation), through
 * the store, so the outbox publishes the sealed state and the config
 * topic's compaction drops the old value.
 *
 * Rows in clear are also rows from before the history was kept, which the
 * migration could not import (it has no key): they are imported here,
 * sealed, before the service answers. The rest runs in the background (a
 * secrets.resealed event per workflow): until it is done, reads take both forms.
 */
@Injectable()
export class SecretResealer implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: WorkflowStore,
    private readonly keyRing: KeyRing,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.importUnrecorded();
  }

  onApplicationBootstrap(): void {
    this.running = this.resealStale().then(
      () => undefined,
      (err: unknown) => this.logger.error({ err }, 'resealing stored secrets failed; the next start tries again'),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** The number of workflows imported or resealed. */
  async resealAll(): Promise<number> {
    return (await this.importUnrecorded()) + (await this.resealStale());
  }

  /** Workflows with no events yet, each imported with its secrets sealed; how many. */
  private async importUnrecorded(): Promise<number> {
    const imported = await this.eachRow('NOT EXISTS (SELECT 1 FROM workflow_events e WHERE e.workflow_id = w.id)', [], (row) =>
      this.store.importUnrecorded(row.id, row.tenant_id),
    );
    if (imported > 0) this.logger.info({ imported, keyId: this.keyRing.primaryKeyId }, 'imported workflows stored before their history was kept, sealing their secrets');
    return imported;
  }

  private async resealStale(): Promise<number> {
    // The store seals all of a state's secrets at once, and every action has a signing secret: a row
    // whose signing secrets are all sealed with the first key needs nothing, and Postgres tells them apart.
    const stale = `$.actions[*].signing_secrets[*] ? (!(@ starts with "${SEALED_PREFIX}${this.keyRing.primaryKeyId}:"))`;
    const resealed = await this.eachRow('jsonb_path_exists(w.state, $3::jsonpath)', [stale], async (row) => {
      const outcome = await this.store.execute({ tenantId: row.tenant_id, workflowId: row.id }, { type: 'reseal' }, { actor: RESEALER, requestId: null });
      if (!outcome.ok && outcome.status === 409) throw new Error(`workflow ${row.id} kept changing while it was resealed`);
      return outcome.ok;
    });
    if (resealed > 0) this.logger.info({ resealed, keyId: this.keyRing.primaryKeyId }, 'sealed stored secrets with the current key');
    return resealed;
  }

  /** Runs `work` on every workflow row that matches `where`, in id order; how many it did something to. */
  private async eachRow(where: string, params: unknown[], work: (row: z.infer<typeof WorkflowRow>) => Promise<boolean>): Promise<number> {
    let done = 0;
    let after = '';
    while (!this.stopped) {
      const rows = rowsOf(
        WorkflowRow,
        await this.dataSource.query(`SELECT w.id, w.tenant_id FROM workflows w WHERE w.id > $1 AND ${where} ORDER BY w.id LIMIT $2`, [after, BATCH, ...params]),
      );
      if (rows.length === 0) break;
      for (const row of rows) if (await work(row)) done++;
      after = rows[rows.length - 1].id;
    }
    return done;
  }
}
