import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { CanonicalEvent, StoredAttempt, StoredEventPage, StoredInvocation } from '@hookstream/contracts';
import { rowsOf } from '@hookstream/persistence';
import { decodeCursor, encodeCursor } from '@hookstream/projection-domain';

const iso = (column: string, fraction: 'MS' | 'US' = 'MS') => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${fraction}"Z"')`;
// Output columns named like table columns shadow them in ORDER BY: queries
// that sort by time qualify the column (events e ... ORDER BY e.timestamp).
const EVENT_COLUMNS = `id, tenant_id, source, type, subject_id, entity_id, processing_channel_id, ${iso('timestamp')} AS timestamp,
  version, data, metadata, ${iso('received_at')} AS received_at`;

// The queries below select rows in the answers' own shapes: the contract's schemas read them.
const PagedEventRow = CanonicalEvent.extend({ cursor_ts: z.string() });
const SubjectCountRow = z.object({ subject_id: z.string(), events: z.number() });

/** Reads for the events API; every query is scoped to one tenant. */
@Injectable()
export class ReadModelQueries {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async event(tenantId: string, eventId: string): Promise<CanonicalEvent | undefined> {
    const [row] = rowsOf(CanonicalEvent, await this.db.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE tenant_id = $1 AND id = $2`, [tenantId, eventId]));
    return row;
  }

  async invocationsOf(tenantId: string, eventId: string): Promise<StoredInvocation[]> {
    return rowsOf(
      StoredInvocation,
      await this.db.query(
        `SELECT invocation_id, workflow_id, action_id, status, workflow_version FROM invocations WHERE tenant_id = $1 AND event_id = $2 ORDER BY workflow_id, action_id`,
        [tenantId, eventId],
      ),
    );
  }

  /** In the order they were made: a reflow's attempts after the earlier run's. */
  async attemptsOf(tenantId: string, invocationId: string): Promise<StoredAttempt[]> {
    return rowsOf(
      StoredAttempt,
      await this.db.query(
        `SELECT attempt, ${iso('a.timestamp')} AS timestamp, retry, succeeded, final, status_code, error_kind, error_message, url, request_headers,
                response_body, ${iso('response_received_at')} AS response_received_at, duration_ms, a.workflow_version
           FROM attempts a JOIN invocations i ON i.invocation_id = a.invocation_id
          WHERE i.tenant_id = $1 AND a.invocation_id = $2 ORDER BY a.timestamp, a.attempt`,
        [tenantId, invocationId],
      ),
    );
  }

  /**
   * A subject's events, newest first, a page at a time; `cursor` is the last
   * page's next_cursor. Keyset paging on the subject index: each page costs
   * the same however deep, and events written meanwhile never shift a page.
   */
  async subjectEvents(tenantId: string, subjectId: string, limit: number, cursor?: string): Promise<StoredEventPage | 'bad_cursor'> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (cursor && !after) return 'bad_cursor';
    // The cursor keeps microseconds: events of one subject may share a millisecond.
    const rows = rowsOf(
      PagedEventRow,
      await this.db.query(
        `SELECT ${EVENT_COLUMNS}, ${iso('timestamp', 'US')} AS cursor_ts FROM events e
        WHERE tenant_id = $1 AND subject_id = $2 AND ($3::timestamptz IS NULL OR (e.timestamp, e.id) < ($3::timestamptz, $4::text))
        ORDER BY e.timestamp DESC, e.id DESC LIMIT $5`,
        [tenantId, subjectId, after?.timestamp ?? null, after?.id ?? '', limit + 1],
      ),
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      events: page.map(({ cursor_ts: _, ...event }) => event),
      next_cursor: rows.length > limit && last ? encodeCursor({ timestamp: last.cursor_ts, id: last.id }) : null,
    };
  }

  /**
   * Events per subject, at most `cap` rows read in all (the subject index
   * stops the scan there): exact while the sum stays below the cap.
   */
  async subjectEventCounts(tenantId: string, subjectIds: readonly string[], cap: number): Promise<{ subject_id: string; events: number }[]> {
    return rowsOf(
      SubjectCountRow,
      await this.db.query(
        `SELECT subject_id, count(*)::int AS events FROM (SELECT subject_id FROM events WHERE tenant_id = $1 AND subject_id = ANY($2::text[]) LIMIT $3) counted
          GROUP BY subject_id`,
        [tenantId, subjectIds, cap],
      ),
    );
  }

  async eventsByIds(tenantId: string, ids: readonly string[]): Promise<CanonicalEvent[]> {
    return rowsOf(
      CanonicalEvent,
      await this.db.query(`SELECT ${EVENT_COLUMNS} FROM events e WHERE tenant_id = $1 AND id = ANY($2::text[]) ORDER BY e.timestamp, e.id`, [tenantId, ids]),
    );
  }
}
