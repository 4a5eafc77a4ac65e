import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import type { CanonicalEvent, DeliveryOutcome } from '@hookstream/contracts';
import { affectedCount, rowsOf } from '@hookstream/persistence';
import { invocationStatus, matchedWorkflowVersion, MAX_STORED_DEPTH, storableJson, storableJsonWithin } from '@hookstream/projection-domain';

/** In place of an event's data or metadata nested too deep to store: the event itself is still recorded. */
const UNSTORABLE = JSON.stringify({ _unstorable: `nested deeper than ${MAX_STORED_DEPTH} levels` });

/**
 * Every row goes to Postgres as JSON text made storable (see storableJson):
 * events on the topics, from producers and older versions, and receivers'
 * answers in outcomes may hold what Postgres refuses, and one refused row
 * would stop its partition for every tenant.
 */
function eventRows(events: readonly CanonicalEvent[]): string {
  return `[${events.map((event) => storableJsonWithin(event, MAX_STORED_DEPTH + 1) ?? withoutDeepParts(event)).join(',')}]`;
}

function withoutDeepParts({ data, metadata, ...fields }: CanonicalEvent): string {
  return `${storableJson(fields).slice(0, -1)},"data":${storableJsonWithin(data) ?? UNSTORABLE},"metadata":${storableJsonWithin(metadata) ?? UNSTORABLE}}`;
}

const AttemptSummaryRow = z.object({
  invocation_id: z.string(),
  attempt: z.number(),
  timestamp: z.string(),
  succeeded: z.boolean(),
  final: z.boolean(),
  workflow_version: z.number().nullable(),
});
type AttemptSummaryRow = z.infer<typeof AttemptSummaryRow>;
const LockRow = z.object({ locked: z.boolean() });

const EVENT_RECORD = `id text, tenant_id text, source text, type text, subject_id text, entity_id text, processing_channel_id text,
  timestamp timestamptz, version text, data jsonb, metadata jsonb, received_at timestamptz`;

/**
 * Writes a Kafka batch with multi-row statements in one transaction. Every
 * row is keyed (event id; invocation id; invocation + attempt number +
 * attempt time, see the migration), so a replayed batch changes nothing, and
 * an invocation's status and workflow version are recomputed from all its
 * stored attempts, so arrival order does not matter either.
 */
@Injectable()
export class ReadModelWriter {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** One statement, so one transaction; the first write of an event id wins (they are immutable). */
  async writeEvents(events: readonly CanonicalEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.query(
      `INSERT INTO events (id, tenant_id, source, type, subject_id, entity_id, processing_channel_id, timestamp, version, data, metadata, received_at)
       SELECT id, tenant_id, source, type, subject_id, entity_id, processing_channel_id, timestamp, version, data, metadata, received_at
         FROM jsonb_to_recordset($1::jsonb) AS e(${EVENT_RECORD})
       ON CONFLICT (id) DO NOTHING`,
      [eventRows(events)],
    );
  }

  async writeOutcomes(outcomes: readonly DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const rows = storableJson(outcomes);
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO invocations (invocation_id, tenant_id, event_id, workflow_id, action_id, status, last_attempt_at)
         SELECT DISTINCT ON (invocation_id) invocation_id, tenant_id, event_id, workflow_id, action_id, 'pending', timestamp
           FROM jsonb_to_recordset($1::jsonb) AS o(invocation_id text, tenant_id text, event_id text, workflow_id text, action_id text, timestamp timestamptz)
         ORDER BY invocation_id, timestamp DESC
         ON CONFLICT (invocation_id) DO NOTHING`,
        [rows],
      );
      await tx.query(
        // seq and xact_id come from their defaults: the feed's position (a replayed attempt keeps its first).
        `INSERT INTO attempts (invocation_id, attempt, timestamp, retry, succeeded, final, status_code, error_kind, error_message, url,
                               request_headers, response_body, response_received_at, duration_ms, next_attempt_at, workflow_version,
                               tenant_id, workflow_id, action_id)
         SELECT invocation_id, attempt, timestamp, retry, succeeded, final, status_code, error_kind, error_message, url,
                request_headers, response_body, response_received_at, duration_ms, next_attempt_at, workflow_version,
                tenant_id, workflow_id, action_id
           FROM jsonb_to_recordset($1::jsonb) AS o(invocation_id text, attempt integer, timestamp timestamptz, retry boolean, succeeded boolean,
                final boolean, status_code integer, error_kind text, error_message text, url text, request_headers jsonb, response_body text,
                response_received_at timestamptz, duration_ms double precision, next_attempt_at timestamptz, workflow_version integer,
                tenant_id text, workflow_id text, action_id text)
         ON CONFLICT (invocation_id, attempt, timestamp) DO NOTHING`,
        [rows],
      );
      await this.refreshStatuses(tx, [...new Set(outcomes.map((o) => o.invocation_id))]);
    });
  }

  private async refreshStatuses(tx: EntityManager, invocationIds: string[]): Promise<void> {
    // Two batches of one invocation meet only around a rebalance; the row lock
    // makes the later one read the earlier one's committed attempts, so the
    // last status written counts them all.
    await tx.query(`SELECT 1 FROM invocations WHERE invocation_id = ANY($1::text[]) ORDER BY invocation_id FOR UPDATE`, [invocationIds]);
    const rows = rowsOf(
      AttemptSummaryRow,
      await tx.query(
        `SELECT invocation_id, attempt, to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS timestamp, succeeded, final, workflow_version
           FROM attempts WHERE invocation_id = ANY($1::text[])`,
        [invocationIds],
      ),
    );
    const byInvocation = new Map<string, AttemptSummaryRow[]>();
    for (const row of rows) {
      const attempts = byInvocation.get(row.invocation_id);
      if (attempts) attempts.push(row);
      else byInvocation.set(row.invocation_id, [row]);
    }
    const updates = [...byInvocation].map(([id, attempts]) => ({
      invocation_id: id,
      status: invocationStatus(attempts),
      // One format for every row: the text order is the time order.
      last_attempt_at: attempts.map((a) => a.timestamp).sort().at(-1),
      workflow_version: matchedWorkflowVersion(attempts),
    }));
    await tx.query(
      `UPDATE invocations i SET status = u.status, last_attempt_at = u.last_attempt_at, workflow_version = u.workflow_version
         FROM jsonb_to_recordset($1::jsonb) AS u(invocation_id text, status text, last_attempt_at timestamptz, workflow_version integer)
        WHERE i.invocation_id = u.invocation_id
          AND (i.status, i.last_attempt_at, i.workflow_version) IS DISTINCT FROM (u.status, u.last_attempt_at, u.workflow_version)`,
      [JSON.stringify(updates)],
    );
  }

  /**
   * Deletes what is older than the cutoff (attempts by their time,
   * invocations by their latest attempt, events by their arrival), a bounded
   * batch per statement, each its own short transaction, so live writes never
   * wait long. One replica purges at a time; the others skip the round.
   */
  async purgeOlderThan(cutoff: Date, batchSize: number): Promise<number> {
    const statements = [
      `DELETE FROM attempts WHERE (invocation_id, attempt, timestamp) IN
         (SELECT invocation_id, attempt, timestamp FROM attempts WHERE timestamp < $1 LIMIT $2)`,
      `DELETE FROM invocations WHERE invocation_id IN (SELECT invocation_id FROM invocations WHERE last_attempt_at < $1 LIMIT $2)`,
      `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < $1 LIMIT $2)`,
    ];
    const lock = this.db.createQueryRunner();
    await lock.connect();
    try {
      const [{ locked }] = rowsOf(LockRow, await lock.query(`SELECT pg_try_advisory_lock(hashtext('projection.purge.' || current_schema())) AS locked`));
      if (!locked) return 0;
      try {
        let total = 0;
        for (const sql of statements) {
          for (;;) {
            const deleted = affectedCount(await this.db.query(sql, [cutoff, batchSize]));
            total += deleted;
            if (deleted < batchSize) break;
          }
        }
        return total;
      } finally {
        await lock.query(`SELECT pg_advisory_unlock(hashtext('projection.purge.' || current_schema()))`);
      }
    } finally {
      await lock.release();
    }
  }
}
