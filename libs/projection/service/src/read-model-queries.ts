import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import {
  type AttemptFeedPage,
  type AttemptFeedPosition,
  CanonicalEvent,
  compareAttemptFeedPositions,
  encodeAttemptFeedCursor,
  type EndpointHealthAnswer,
  type RecentEventPage,
  StoredAttempt,
  StoredEventPage,
  StoredInvocation,
} from '@hookstream/contracts';
import { rowsOf } from '@hookstream/persistence';
import { breakerAsObserved, decodeCursor, encodeCursor, HEALTH_BUCKET_MS, healthSeries, healthWindow } from '@hookstream/projection-domain';

const iso = (column: string, fraction: 'MS' | 'US' = 'MS') => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${fraction}"Z"')`;
// Output columns named like table columns shadow them in ORDER BY: queries
// that sort by time qualify the column (events e ... ORDER BY e.timestamp).
const EVENT_COLUMNS = `id, tenant_id, source, type, subject_id, entity_id, processing_channel_id, ${iso('timestamp')} AS timestamp,
  version, data, metadata, ${iso('received_at')} AS received_at`;

// The queries below select rows in the answers' own shapes: the contract's schemas read them.
const PagedEventRow = CanonicalEvent.extend({ cursor_ts: z.string() });
const SubjectCountRow = z.object({ subject_id: z.string(), events: z.number() });
const RecentEventRow = z.object({
  id: z.string(),
  source: z.string(),
  type: z.string(),
  subject_id: z.string(),
  timestamp: z.string(),
  cursor_ts: z.string(),
  total: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  pending: z.number(),
});
const HealthRow = z.object({
  action_id: z.string(),
  /** null on an action's row for the whole window. */
  bucket: z.string().nullable(),
  attempts: z.number(),
  succeeded: z.number(),
  latency: z.array(z.number()).nullable(),
  newest_at: z.string().nullable(),
  circuit_open_at: z.string().nullable(),
  succeeded_at: z.string().nullable(),
});
const FeedRow = z.object({
  transaction: z.string(),
  seq: z.string(),
  event_id: z.string(),
  event_type: z.string().nullable(),
  workflow_id: z.string(),
  action_id: z.string(),
  attempt: z.number(),
  timestamp: z.string(),
  succeeded: z.boolean(),
  final: z.boolean(),
  status_code: z.number().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number(),
  next_attempt_at: z.string().nullable(),
  url: z.string(),
});
const HorizonRow = z.object({ horizon: z.string() });

/** Latency in ms, to a tenth: finer is noise. */
const ms = (value: number) => Math.round(value * 10) / 10;

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
                response_body, ${iso('response_received_at')} AS response_received_at, duration_ms, ${iso('next_attempt_at')} AS next_attempt_at, a.workflow_version
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

  /**
   * The tenant's events, newest first, each with its invocations counted by
   * status; with a workflow, only events that invoked it. Keyset paging as
   * subjectEvents, on the tenant's time index.
   */
  async recentEvents(tenantId: string, limit: number, cursor: string | undefined, workflowId: string | undefined): Promise<RecentEventPage | 'bad_cursor'> {
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (cursor && !after) return 'bad_cursor';
    const rows = rowsOf(
      RecentEventRow,
      await this.db.query(
        `SELECT e.id, e.source, e.type, e.subject_id, ${iso('e.timestamp')} AS timestamp, ${iso('e.timestamp', 'US')} AS cursor_ts,
                c.total, c.succeeded, c.failed, c.pending
           FROM events e
           CROSS JOIN LATERAL (
             SELECT count(*)::int AS total, (count(*) FILTER (WHERE status = 'successful'))::int AS succeeded,
                    (count(*) FILTER (WHERE status = 'failed'))::int AS failed, (count(*) FILTER (WHERE status = 'pending'))::int AS pending
               FROM invocations i WHERE i.event_id = e.id AND i.tenant_id = e.tenant_id) c
          WHERE e.tenant_id = $1 AND ($2::timestamptz IS NULL OR (e.timestamp, e.id) < ($2::timestamptz, $3::text))
            AND ($4::text IS NULL OR EXISTS (SELECT 1 FROM invocations w WHERE w.event_id = e.id AND w.tenant_id = e.tenant_id AND w.workflow_id = $4::text))
          ORDER BY e.timestamp DESC, e.id DESC LIMIT $5`,
        [tenantId, after?.timestamp ?? null, after?.id ?? '', workflowId ?? null, limit + 1],
      ),
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      events: page.map(({ cursor_ts: _, total, succeeded, failed, pending, ...event }) => ({ ...event, invocations: { total, succeeded, failed, pending } })),
      next_cursor: rows.length > limit && last ? encodeCursor({ timestamp: last.cursor_ts, id: last.id }) : null,
    };
  }

  /**
   * Each action's attempts of the last hour, in one query on the action's
   * time index: the whole window and each 5-minute bucket (grouping sets),
   * with latency percentiles over the attempts that were sent (a
   * short-circuited one took no time at the receiver).
   */
  async endpointHealth(tenantId: string, actionIds: readonly string[], nowMs: number): Promise<EndpointHealthAnswer> {
    const window = healthWindow(nowMs);
    const rows = rowsOf(
      HealthRow,
      await this.db.query(
        `SELECT action_id, ${iso('bucket')} AS bucket, count(*)::int AS attempts, (count(*) FILTER (WHERE succeeded))::int AS succeeded,
                percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE error_kind IS DISTINCT FROM 'circuit_open') AS latency,
                ${iso('max(timestamp)')} AS newest_at,
                ${iso(`max(timestamp) FILTER (WHERE error_kind = 'circuit_open')`)} AS circuit_open_at,
                ${iso('max(timestamp) FILTER (WHERE succeeded)')} AS succeeded_at
           FROM (SELECT action_id, timestamp, succeeded, duration_ms, error_kind, date_bin($5::interval, timestamp, $3::timestamptz) AS bucket
                   FROM attempts WHERE tenant_id = $1 AND action_id = ANY($2::text[]) AND timestamp >= $3::timestamptz AND timestamp < $4::timestamptz) a
          GROUP BY GROUPING SETS ((action_id), (action_id, bucket))`,
        [tenantId, actionIds, window.from, window.to, `${HEALTH_BUCKET_MS / 1000} seconds`],
      ),
    );
    const whole = new Map(rows.filter((r) => r.bucket === null).map((r) => [r.action_id, r]));
    return {
      window,
      actions: actionIds.map((actionId) => {
        const total = whole.get(actionId);
        const buckets = rows.filter((r) => r.action_id === actionId && r.bucket !== null);
        const [p50, p95, p99] = total?.latency ?? [];
        return {
          action_id: actionId,
          attempts: total?.attempts ?? 0,
          succeeded: total?.succeeded ?? 0,
          latency_ms: p50 === undefined || p95 === undefined || p99 === undefined ? null : { p50: ms(p50), p95: ms(p95), p99: ms(p99) },
          series: healthSeries(
            window,
            buckets.map((b) => ({ from: b.bucket ?? '', attempts: b.attempts, succeeded: b.succeeded, p95_ms: b.latency?.[1] === undefined ? null : ms(b.latency[1]) })),
          ),
          breaker: breakerAsObserved({ newestAt: total?.newest_at ?? null, circuitOpenAt: total?.circuit_open_at ?? null, succeededAt: total?.succeeded_at ?? null }),
        };
      }),
    };
  }

  /**
   * The tenant's attempts after `after` in the order their writes committed
   * (see AttemptFeedPosition): only rows of transactions older than every
   * one still running, which all later reads see too. Without `after`, none:
   * the position of "now". Attempts made over an hour ago (a rebuild's
   * replay) are not live and stay out.
   */
  async attemptFeed(tenantId: string, after: AttemptFeedPosition | undefined, limit: number, workflowId: string | undefined): Promise<AttemptFeedPage> {
    // First, in its own statement: every transaction below the horizon has ended before the feed's read starts.
    const [{ horizon }] = rowsOf(HorizonRow, await this.db.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`));
    const now: AttemptFeedPosition = { transaction: BigInt(horizon), seq: 0n };
    if (!after) return { attempts: [], next_cursor: encodeAttemptFeedCursor(now) };
    const rows = rowsOf(
      FeedRow,
      await this.db.query(
        `SELECT a.xact_id::text AS transaction, a.seq::text AS seq, i.event_id, e.type AS event_type, a.workflow_id, a.action_id, a.attempt,
                ${iso('a.timestamp')} AS timestamp, a.succeeded, a.final, a.status_code, a.error_kind AS error, a.duration_ms,
                ${iso('a.next_attempt_at')} AS next_attempt_at, a.url
           FROM attempts a
           JOIN invocations i ON i.invocation_id = a.invocation_id
           LEFT JOIN events e ON e.id = i.event_id
          WHERE a.tenant_id = $1 AND (a.xact_id, a.seq) > ($2::xid8, $3::bigint) AND a.xact_id < $4::xid8
            AND ($5::text IS NULL OR a.workflow_id = $5::text) AND a.timestamp > now() - interval '1 hour'
          ORDER BY a.xact_id, a.seq LIMIT $6`,
        [tenantId, after.transaction.toString(), after.seq.toString(), horizon, workflowId ?? null, limit],
      ),
    );
    const attempts = rows.map(({ transaction, seq, ...attempt }) => ({ cursor: encodeAttemptFeedCursor({ transaction: BigInt(transaction), seq: BigInt(seq) }), ...attempt }));
    const last = attempts.at(-1);
    if (attempts.length === limit && last) return { attempts, next_cursor: last.cursor };
    // Fewer than asked: everything below the horizon was read, so the next read starts there (never behind where this one did).
    return { attempts, next_cursor: encodeAttemptFeedCursor(compareAttemptFeedPositions(after, now) > 0 ? after : now) };
  }

  async eventsByIds(tenantId: string, ids: readonly string[]): Promise<CanonicalEvent[]> {
    return rowsOf(
      CanonicalEvent,
      await this.db.query(`SELECT ${EVENT_COLUMNS} FROM events e WHERE tenant_id = $1 AND id = ANY($2::text[]) ORDER BY e.timestamp, e.id`, [tenantId, ids]),
    );
  }
}
