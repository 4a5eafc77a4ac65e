import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { z } from 'zod';
import type { WorkflowEvent, WorkflowState } from '@hookstream/contracts';
import { rowsOf } from '@hookstream/persistence';
import { CorruptWorkflowStream, fold } from '@hookstream/workflow-definition';
import { eventsOf } from './workflow-event-log';
import { WorkflowEntity } from './workflow.entity';
import { appendOutbox } from './workflow.store';

/**
 * How a stored snapshot disagrees with its events: `differs` (another
 * state), `missing` (the events make a workflow, no row holds it),
 * `not_deleted` (the events delete it, a row still holds it); and two
 * that no rebuild can mend: `unrecorded` (a row with no events at all: the
 * service imports it at boot) and `corrupt_events` (an event that cannot
 * follow the ones before it: the history itself is wrong, for a person to look at).
 */
export type SnapshotProblem = 'differs' | 'missing' | 'not_deleted' | 'unrecorded' | 'corrupt_events';

/** Problems a snapshot rewritten from the events mends. */
const REBUILDABLE = new Set<SnapshotProblem>(['differs', 'missing', 'not_deleted']);

/** The events' state; undefined: deleted; 'corrupt' when they cannot be folded. */
function folded(events: readonly WorkflowEvent[]): WorkflowState | undefined | 'corrupt' {
  try {
    return fold(events);
  } catch (err) {
    if (err instanceof CorruptWorkflowStream) return 'corrupt';
    throw err;
  }
}

export interface SnapshotMismatch {
  workflowId: string;
  tenantId: string;
  problem: SnapshotProblem;
}

export interface RebuildReport {
  /** Workflows looked at: every one with a row or an event. */
  checked: number;
  mismatches: SnapshotMismatch[];
  /** Snapshots rewritten (or deleted) from their events. */
  rebuilt: number;
  /** Current states put on the outbox again for the config topic. */
  republished: number;
}

/** What is wrong with `stored` (the row's state; undefined: no row) if `events` are the truth; undefined: nothing. */
export function snapshotProblem(events: readonly WorkflowEvent[], stored: WorkflowState | undefined): SnapshotProblem | undefined {
  if (events.length === 0) return stored ? 'unrecorded' : undefined;
  const state = folded(events);
  if (state === 'corrupt') return 'corrupt_events';
  if (!state) return stored ? 'not_deleted' : undefined;
  if (!stored) return 'missing';
  // As Postgres keeps it: an absent field and an undefined one are the same.
  return isDeepStrictEqual(JSON.parse(JSON.stringify(state)), stored) ? undefined : 'differs';
}

const PAGE = 100;
const IdRow = z.object({ id: z.string() });

/**
 * The current state of every workflow rebuilt from its events: verify()
 * compares each stored snapshot with the fold of its events, rebuild()
 * rewrites the ones that differ and, asked to, puts every current state on
 * the outbox again so the relay re-publishes the config topic. Safe beside
 * a running service: each workflow is fixed under its row lock, from the
 * events committed by then.
 */
@Injectable()
export class WorkflowRebuild {
  constructor(private readonly dataSource: DataSource) {}

  async verify(): Promise<RebuildReport> {
    return this.run({ fix: false, republish: false });
  }

  async rebuild(options: { republish: boolean }): Promise<RebuildReport> {
    return this.run({ fix: true, republish: options.republish });
  }

  private async run(options: { fix: boolean; republish: boolean }): Promise<RebuildReport> {
    const report: RebuildReport = { checked: 0, mismatches: [], rebuilt: 0, republished: 0 };
    for (let after = ''; ; ) {
      const ids = rowsOf(
        IdRow,
        await this.dataSource.query(
          `SELECT id FROM (SELECT id FROM workflows WHERE id > $1 UNION SELECT DISTINCT workflow_id FROM workflow_events WHERE workflow_id > $1) ids
            ORDER BY id LIMIT $2`,
          [after, PAGE],
        ),
      ).map((r) => r.id);
      if (ids.length === 0) return report;
      after = ids[ids.length - 1];
      report.checked += ids.length;
      const events = await eventsOf(this.dataSource.manager, ids);
      const snapshots = await this.snapshots(this.dataSource.manager, ids);
      for (const id of ids) {
        const stored = snapshots.get(id);
        const problem = snapshotProblem(events.get(id) ?? [], stored?.state);
        if (problem) report.mismatches.push({ workflowId: id, tenantId: stored?.tenantId ?? events.get(id)?.[0]?.tenant_id ?? '', problem });
        if (!options.fix) continue;
        if ((problem && REBUILDABLE.has(problem)) || (options.republish && stored)) {
          const outcome = await this.fix(id, options.republish);
          if (outcome.rebuilt) report.rebuilt++;
          if (outcome.republished) report.republished++;
        }
      }
    }
  }

  /** Under the row's lock, from the events committed by then: the snapshot rewritten if it differs, and its outbox row. */
  private async fix(id: string, republish: boolean): Promise<{ rebuilt: boolean; republished: boolean }> {
    return this.dataSource.transaction(async (m) => {
      const row = await m.getRepository(WorkflowEntity).createQueryBuilder('w').setLock('pessimistic_write').where('w.id = :id', { id }).getOne();
      const stored = row?.state;
      const events = (await eventsOf(m, [id])).get(id) ?? [];
      const problem = snapshotProblem(events, stored);
      const rebuilt = problem !== undefined && REBUILDABLE.has(problem);
      const state = rebuilt ? fold(events) : stored;
      if (problem === 'differs' && state) await m.getRepository(WorkflowEntity).update({ id }, { state });
      if (problem === 'missing' && state) {
        await m.getRepository(WorkflowEntity).insert({ id, tenantId: state.tenant_id, subscriptionUuid: state.subscription?.uuid ?? null, state });
      }
      if (problem === 'not_deleted') await m.query('DELETE FROM workflows WHERE id = $1', [id]);
      // A rebuilt snapshot is published whatever was asked: the config topic carried the wrong one.
      if (rebuilt || (republish && state)) await appendOutbox(m, id, state ?? null, []);
      return { rebuilt, republished: republish && state !== undefined };
    });
  }

  private async snapshots(m: EntityManager, ids: readonly string[]): Promise<Map<string, WorkflowEntity>> {
    const rows = await m.getRepository(WorkflowEntity).findBy({ id: In([...ids]) });
    return new Map(rows.map((r) => [r.id, r]));
  }
}
