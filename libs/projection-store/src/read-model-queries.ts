import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CanonicalEvent, StoredAttempt, StoredEventPage, StoredInvocation } from '@hookstream/contracts';
import { decodeCursor, encodeCursor } from '@hookstream/projection-domain';

const ISO = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const EVENT_COLUMNS = `id, tenant_id, source, type, subject_id, entity_id, processing_channel_id, ${ISO('timestamp')} AS timestamp,
  version, data, metadata, ${ISO('received_at')} AS received_at`;

/** Reads for the events API; every query is scoped to one tenant. */
@Injectable()
export class ReadModelQueries {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async event(tenantId: string, eventId: string): Promise<CanonicalEvent | undefined> {
    const [row] = await this.db.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE tenant_id = $1 AND id = $2`, [tenantId, eventId]);
    return row;
  }

  async invocationsOf(tenantId: string, eventId: string): Promise<StoredInvocation[]> {
    return this.db.query(
      `SELECT invocation_id, workflow_id, action_id, status FROM invocations WHERE tenant_id = $1 AND event_id = $2 ORDER BY workflow_id, action_id`,
      [tenantId, eventId],
    );
  }

  async attemptsOf(invocationId: string): Promise<StoredAttempt[]> {
    return this.db.query(
      `SELECT attempt, ${ISO('timestamp')} AS timestamp, retry, succeeded, final, status_code, error_kind, error_message, url, request_headers,
              response_body, ${ISO('response_received_at')} AS response_received_at, duration_ms
         FROM attempts WHERE invocation_id = $1 ORDER BY timestamp, attempt`,
      [invocationId],
    );
  }

  async hasSubject(tenantId: string, subjectId: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM events WHERE tenant_id = $1 AND subject_id = $2 LIMIT 1`, [tenantId, subjectId]);
    return rows.length > 0;
  }

  /** A subject's events, newest first, a page at a time; `cursor` is the last page's next_cursor. */
  async subjectEvents(tenantId: string, subjectId: string, limit: number, cursor?: string): Promise<StoredEventPage | 'bad_cursor'> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (cursor && !after) return 'bad_cursor';
    const rows: CanonicalEvent[] = await this.db.query(
      `SELECT ${EVENT_COLUMNS} FROM events
        WHERE tenant_id = $1 AND subject_id = $2 AND ($3::timestamptz IS NULL OR (timestamp, id) < ($3::timestamptz, $4::text))
        ORDER BY timestamp DESC, id DESC LIMIT $5`,
      [tenantId, subjectId, after?.timestamp ?? null, after?.id ?? '', limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return { events: page, next_cursor: rows.length > limit && last ? encodeCursor({ timestamp: last.timestamp, id: last.id }) : null };
  }

  async eventsByIds(tenantId: string, ids: string[]): Promise<CanonicalEvent[]> {
    return this.db.query(`SELECT ${EVENT_COLUMNS} FROM events WHERE tenant_id = $1 AND id = ANY($2::text[]) ORDER BY timestamp, id`, [tenantId, ids]);
  }
}
