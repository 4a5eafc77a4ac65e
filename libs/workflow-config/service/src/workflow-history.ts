import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { FieldChange, ReadResult, WorkflowActor, WorkflowEvent, WorkflowHistoryEntry, WorkflowHistoryPage, WorkflowHistoryPaging } from '@hookstream/contracts';
import { rowsOf } from '@hookstream/persistence';
import { decodeCursor, encodeCursor, readLimit } from './paging';
import { firstEventOf } from './workflow-event-log';
import type { WorkflowKind } from './workflow.store';

/** A page of history: entries older than `before` (a version; null: from the newest). */
export interface HistoryPaging {
  limit: number;
  before: number | null;
}

/** Versions are Postgres ints. */
const MAX_VERSION = 2_147_483_647;

/** The cursor of the page that starts below `version`: opaque to callers. */
export function historyCursor(version: number): string {
  return encodeCursor(`v${version}`);
}

/** ?limit (1 to 100, 20 by default) and ?cursor (from the page before), as the query string brings them: any shape at all. */
export function readHistoryPaging(query: Record<string, unknown>): ReadResult<HistoryPaging> {
  const codes: string[] = [];
  const limit = readLimit(query.limit, WorkflowHistoryPaging);
  if (limit === undefined) codes.push('limit_invalid');
  let before: number | null = null;
  if (query.cursor !== undefined) {
    const match = decodeCursor(query.cursor, /^v([1-9][0-9]{0,9})$/);
    const version = match ? Number(match[1]) : NaN;
    if (version <= MAX_VERSION) before = version;
    else codes.push('cursor_invalid');
  }
  return limit === undefined || codes.length > 0 ? { ok: false, codes } : { ok: true, value: { limit, before } };
}

/** The kind of workflow the first event made. */
function kindOf(first: WorkflowEvent): WorkflowKind {
  const subscription = first.type === 'workflow.created' ? first.data.subscription : first.type === 'workflow.imported' ? first.data.state.subscription : null;
  return subscription ? 'subscription' : 'workflow';
}

const EntryRow = z.object({
  version: z.number(),
  type: z.string(),
  occurred_at: z.date(),
  actor: WorkflowActor,
  request_id: z.string().nullable(),
  changes: z.array(FieldChange),
});

/**
 * A workflow's history as its tenant reads it: one entry per domain event,
 * newest first, with who made it, when, in which request, and what changed
 * field by field (secrets masked when the event was recorded). Served while
 * its events exist, after a delete too.
 */
@Injectable()
export class WorkflowHistory {
  constructor(private readonly dataSource: DataSource) {}

  /** undefined: this tenant has no workflow of this kind with that id, and never had. */
  async page(tenantId: string, workflowId: string, kind: WorkflowKind, paging: HistoryPaging): Promise<WorkflowHistoryPage | undefined> {
    const first = await firstEventOf(this.dataSource.manager, tenantId, workflowId);
    if (!first || kindOf(first) !== kind) return undefined;
    const rows = rowsOf(
      EntryRow,
      await this.dataSource.query(
        `SELECT version, type, occurred_at, actor, request_id, changes FROM workflow_events
          WHERE tenant_id = $1 AND workflow_id = $2 AND version < $3::bigint ORDER BY version DESC LIMIT $4`,
        [tenantId, workflowId, paging.before ?? MAX_VERSION + 1, paging.limit + 1],
      ),
    );
    const entries = rows.slice(0, paging.limit).map((row) => WorkflowHistoryEntry.parse({ ...row, occurred_at: row.occurred_at.toISOString() }));
    const last = entries.at(-1);
    return { data: entries, next_cursor: rows.length > paging.limit && last ? historyCursor(last.version) : null };
  }
}
