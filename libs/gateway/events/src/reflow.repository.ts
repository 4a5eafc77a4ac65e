import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { idSchema, IdPrefix, newId } from '@hookstream/contracts';
import { againstDatabase } from '@hookstream/gateway-http';
import { affectedCount, rowsOf } from '@hookstream/persistence';
import type { PlannedSubject } from './reflow-plan';

export const ReflowStatus = z.enum(['queued', 'running', 'completed', 'failed']);
export type ReflowStatus = z.infer<typeof ReflowStatus>;

/** Something that went wrong with one subject; the message stays in the gateway's log, never in the answer. */
export const ReflowError = z.object({
  at: z.string(),
  code: z.enum(['events_unreadable', 'publish_failed', 'subject_refused']),
  subject_id: z.string(),
  attempt: z.number().int(),
});
export type ReflowError = z.infer<typeof ReflowError>;

export const ReflowRow = z.object({
  id: z.string(),
  tenant_id: z.string(),
  status: ReflowStatus,
  workflow_ids: z.array(idSchema('wf')).nullable(),
  subjects: z.array(z.object({ subject_id: z.string(), events: z.number().int() })),
  subjects_without_events: z.number().int(),
  subjects_done: z.number().int(),
  /** Where the next page of subjects[subjects_done] starts; null: at its newest event. */
  page_cursor: z.string().nullable(),
  events_total: z.number().int(),
  events_published: z.number().int(),
  errors: z.array(ReflowError),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
});
export type ReflowRow = z.infer<typeof ReflowRow>;

/** Where a running reflow is: written whole by its runner, the only writer while it holds the lease. */
export type ReflowProgress = Pick<ReflowRow, 'subjects_done' | 'page_cursor' | 'events_published' | 'errors'>;

export interface NewReflow {
  tenantId: string;
  subjects: readonly PlannedSubject[];
  withoutEvents: number;
  events: number;
  workflowIds: readonly string[] | undefined;
}

const COLUMNS = `id, tenant_id, status, workflow_ids, subjects, subjects_without_events, subjects_done, page_cursor, events_total, events_published, errors,
  created_at, started_at, finished_at`;
const UNFINISHED = `status IN ('queued', 'running')`;
const CountRow = z.object({ unfinished: z.number() });

/**
 * Reflows in the gateway's schema. A runner holds a reflow by a lease in
 * database time (no clocks of different gateways compared); every write of
 * its progress renews it and is refused once another runner has taken over.
 */
@Injectable()
export class ReflowRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** A queued reflow; 'too_many' when the tenant already has `maxUnfinished` queued or running. */
  async create(reflow: NewReflow, maxUnfinished: number): Promise<ReflowRow | 'too_many'> {
    return againstDatabase(() =>
      this.dataSource.transaction(async (tx) => {
        // One creation per tenant at a time, so two requests cannot both pass the count.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('reflows'), hashtext($1))`, [reflow.tenantId]);
        const [{ unfinished }] = rowsOf(CountRow, await tx.query(`SELECT count(*)::int AS unfinished FROM reflows WHERE tenant_id = $1 AND ${UNFINISHED}`, [reflow.tenantId]));
        if (unfinished >= maxUnfinished) return 'too_many' as const;
        const [row] = rowsOf(
          ReflowRow,
          await tx.query(
            `INSERT INTO reflows (id, tenant_id, status, workflow_ids, subjects, subjects_without_events, events_total)
             VALUES ($1, $2, 'queued', $3::jsonb, $4::jsonb, $5, $6) RETURNING ${COLUMNS}`,
            [
              newId(IdPrefix.reflow),
              reflow.tenantId,
              reflow.workflowIds ? JSON.stringify(reflow.workflowIds) : null,
              JSON.stringify(reflow.subjects),
              reflow.withoutEvents,
              reflow.events,
            ],
          ),
        );
        return row;
      }),
    );
  }

  /** The tenant's reflow; another tenant's is undefined, exactly as a missing one. */
  async find(tenantId: string, id: string): Promise<ReflowRow | undefined> {
    const [row] = rowsOf(ReflowRow, await againstDatabase(() => this.dataSource.query(`SELECT ${COLUMNS} FROM reflows WHERE id = $1 AND tenant_id = $2`, [id, tenantId])));
    return row;
  }

  /**
   * Takes the next reflow to run: queued, or running under a lease that ran
   * out (its gateway stopped). The tenant with the fewest reflows running
   * goes first, then the oldest, so one tenant's queue does not hold every
   * runner while another tenant waits.
   */
  async claim(runner: string, leaseSeconds: number): Promise<ReflowRow | undefined> {
    // An UPDATE answers [rows, count].
    const [rows] = (await this.dataSource.query(
        `WITH next AS (
           SELECT c.id FROM reflows c
            WHERE c.status = 'queued' OR (c.status = 'running' AND c.lease_until < now())
            ORDER BY (SELECT count(*) FROM reflows o WHERE o.tenant_id = c.tenant_id AND o.status = 'running' AND o.lease_until >= now()), c.created_at, c.id
            LIMIT 1 FOR UPDATE SKIP LOCKED)
         UPDATE reflows r SET status = 'running', runner = $1, lease_until = now() + make_interval(secs => $2),
                started_at = COALESCE(r.started_at, now()), updated_at = now()
           FROM next WHERE r.id = next.id
         RETURNING r.*`,
      [runner, leaseSeconds],
    )) as [unknown, number];
    return rowsOf(ReflowRow, rows)[0];
  }

  /** Records progress and renews the lease; false when the reflow is no longer this runner's. */
  async saveProgress(id: string, runner: string, progress: ReflowProgress, leaseSeconds: number): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE reflows SET subjects_done = $3, page_cursor = $4, events_published = $5, errors = $6::jsonb, lease_until = now() + make_interval(secs => $7), updated_at = now()
        WHERE id = $1 AND runner = $2 AND status = 'running'`,
      [id, runner, progress.subjects_done, progress.page_cursor, progress.events_published, JSON.stringify(progress.errors), leaseSeconds],
    );
    return affectedCount(result) === 1;
  }

  async finish(id: string, runner: string, progress: ReflowProgress, status: 'completed' | 'failed'): Promise<boolean> {
    const result = await this.dataSource.query(
      `UPDATE reflows SET status = $3, subjects_done = $4, page_cursor = $5, events_published = $6, errors = $7::jsonb, runner = NULL, lease_until = NULL,
              finished_at = now(), updated_at = now()
        WHERE id = $1 AND runner = $2 AND status = 'running'`,
      [id, runner, status, progress.subjects_done, progress.page_cursor, progress.events_published, JSON.stringify(progress.errors)],
    );
    return affectedCount(result) === 1;
  }

  /** A gateway shutting down hands its reflow back: queued again, any gateway resumes it where it stopped. */
  async release(id: string, runner: string): Promise<void> {
    await this.dataSource.query(`UPDATE reflows SET status = 'queued', runner = NULL, lease_until = NULL, updated_at = now() WHERE id = $1 AND runner = $2 AND status = 'running'`, [
      id,
      runner,
    ]);
  }

  /** Forgets reflows finished more than `days` ago. */
  async purgeFinished(days: number): Promise<number> {
    return affectedCount(await this.dataSource.query(`DELETE FROM reflows WHERE finished_at < now() - make_interval(days => $1)`, [days]));
  }
}
