import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { fingerprintOf, isDeliverable, type DeliverableWorkflowsAnswer } from '@hookstream/contracts';
import { rowsOf } from '@hookstream/persistence';

/** The database's workflows as of one moment, for a comparison with the config topic. */
export interface WorkflowVersionsSnapshot {
  /** Every workflow's current version. */
  versions: Map<string, number>;
  /**
   * Workflows the topic is not expected to be up to date with: a change
   * still in the outbox (the relay will publish it), or a latest change
   * the relay dead-lettered (it can never be published as it is).
   */
  settled: Set<string>;
}

/** At most this many unpublishable workflows are named to the matcher: a page of them is already an operator's problem. */
const MAX_UNPUBLISHED = 10_000;

const VersionRow = z.object({ id: z.string(), version: z.number().int() });
const IdRow = z.object({ id: z.string() });
const DeliverableRow = z.object({ id: z.string(), version: z.number().int(), active: z.boolean(), disabled: z.array(z.string().nullable()) });

/**
 * What the config topic and the matcher's index should hold, read from the
 * database (the source of truth) without reading whole states. It reads
 * every tenant's workflows, and its methods say so: ids and versions alone,
 * for the config topic's reconciler and the matcher's index check, never
 * for a tenant's request.
 */
@Injectable()
export class WorkflowVersions {
  constructor(private readonly dataSource: DataSource) {}

  /** One consistent snapshot: the versions, the outbox and the dead letters as of the same moment. */
  async snapshotAcrossTenants(): Promise<WorkflowVersionsSnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const versions = rowsOf(VersionRow, await m.query(`SELECT id, (state->>'version')::int AS version FROM workflows`));
      const pending = rowsOf(IdRow, await m.query(`SELECT DISTINCT workflow_id AS id FROM config_outbox`));
      const unpublished = await this.unpublished(m, null);
      return {
        versions: new Map(versions.map((r) => [r.id, r.version])),
        settled: new Set([...pending.map((r) => r.id), ...unpublished]),
      };
    });
  }

  /** The workflows the matcher should have indexed (isDeliverable, the same rule), counted and fingerprinted, the unpublishable ones left out of both. */
  async deliverableAcrossTenants(): Promise<DeliverableWorkflowsAnswer> {
    return this.dataSource.transaction('REPEATABLE READ', async (m) => {
      const unpublished = await this.unpublished(m, MAX_UNPUBLISHED);
      const leftOut = new Set(unpublished);
      // A missing disabled_at reads as null, as the contract's default makes it.
      const rows = rowsOf(
        DeliverableRow,
        await m.query(
          `SELECT id, (state->>'version')::int AS version, (state->>'active')::boolean AS active,
                  COALESCE((SELECT jsonb_agg(a->'disabled_at') FROM jsonb_array_elements(state->'actions') a), '[]'::jsonb) AS disabled
             FROM workflows`,
        ),
      );
      const deliverable = rows.filter((r) => !leftOut.has(r.id) && isDeliverable({ active: r.active, actions: r.disabled.map((disabled_at) => ({ disabled_at })) }));
      return { workflows: deliverable.length, fingerprint: fingerprintOf(deliverable), unpublished };
    });
  }

  /**
   * Workflows whose latest change the relay dead-lettered: the rejected
   * state is the current version, or the rejected tombstone's workflow is gone.
   */
  private async unpublished(m: EntityManager, limit: number | null): Promise<string[]> {
    const rows = await m.query(
      `SELECT DISTINCT r.workflow_id AS id
         FROM config_outbox_rejected r LEFT JOIN workflows w ON w.id = r.workflow_id
        WHERE CASE WHEN r.state IS NULL OR r.state = 'null'::jsonb THEN w.id IS NULL
                   ELSE w.state->>'version' = r.state->>'version' END
        ORDER BY r.workflow_id
        LIMIT $1`,
      [limit],
    );
    return rowsOf(IdRow, rows).map((r) => r.id);
  }
}
