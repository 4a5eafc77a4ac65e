import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CanonicalEvent, DeliveryOutcome } from '@hookstream/contracts';
import { invocationStatus } from '@hookstream/projection-domain';

/**
 * Writes a Kafka batch in one transaction with multi-row statements. Every
 * write is keyed (event id; invocation id; invocation + attempt + time), so a
 * replayed batch changes nothing, and statuses are recomputed from all stored
 * attempts, so arrival order does not matter.
 */
@Injectable()
export class ReadModelWriter {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async writeEvents(events: CanonicalEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db.query(
      `INSERT INTO events (id, tenant_id, source, type, subject_id, entity_id, processing_channel_id, timestamp, version, data, metadata, received_at)
       SELECT id, tenant_id, source, type, subject_id, entity_id, processing_channel_id, timestamp, version, data, metadata, received_at
         FROM jsonb_to_recordset($1::jsonb) AS e(id text, tenant_id text, source text, type text, subject_id text, entity_id text,
              processing_channel_id text, timestamp timestamptz, version text, data jsonb, metadata jsonb, received_at timestamptz)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(events)],
    );
  }

  async writeOutcomes(outcomes: DeliveryOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO invocations (invocation_id, tenant_id, event_id, workflow_id, action_id, status, last_attempt_at)
         SELECT DISTINCT ON (invocation_id) invocation_id, tenant_id, event_id, workflow_id, action_id, 'pending', timestamp
           FROM jsonb_to_recordset($1::jsonb) AS o(invocation_id text, tenant_id text, event_id text, workflow_id text, action_id text, timestamp timestamptz)
         ORDER BY invocation_id, timestamp DESC
         ON CONFLICT (invocation_id) DO NOTHING`,
        [JSON.stringify(outcomes)],
      );
      await tx.query(
        `INSERT INTO attempts (invocation_id, attempt, timestamp, retry, succeeded, final, status_code, error_kind, error_message, url,
                               request_headers, response_body, response_received_at, duration_ms, next_attempt_at)
         SELECT invocation_id, attempt, timestamp, retry, succeeded, final, status_code, error_kind, error_message, url,
                request_headers, response_body, response_received_at, duration_ms, next_attempt_at
           FROM jsonb_to_recordset($1::jsonb) AS o(invocation_id text, attempt integer, timestamp timestamptz, retry boolean, succeeded boolean,
                final boolean, status_code integer, error_kind text, error_message text, url text, request_headers jsonb, response_body text,
                response_received_at timestamptz, duration_ms double precision, next_attempt_at timestamptz)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(outcomes)],
      );
      await this.refreshStatuses(tx, [...new Set(outcomes.map((o) => o.invocation_id))]);
    });
  }

  private async refreshStatuses(tx: EntityManager, invocationIds: string[]): Promise<void> {
    const rows = (await tx.query(
      `SELECT invocation_id, attempt, to_char(timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS timestamp, succeeded, final
         FROM attempts WHERE invocation_id = ANY($1::text[])`,
      [invocationIds],
    )) as { invocation_id: string; attempt: number; timestamp: string; succeeded: boolean; final: boolean }[];
    const byInvocation = new Map<string, typeof rows>();
    for (const row of rows) byInvocation.set(row.invocation_id, [...(byInvocation.get(row.invocation_id) ?? []), row]);
    const updates = [...byInvocation].map(([id, attempts]) => ({
      invocation_id: id,
      status: invocationStatus(attempts),
      last_attempt_at: attempts.map((a) => a.timestamp).sort().at(-1),
    }));
    await tx.query(
      `UPDATE invocations i SET status = u.status, last_attempt_at = u.last_attempt_at
         FROM jsonb_to_recordset($1::jsonb) AS u(invocation_id text, status text, last_attempt_at timestamptz)
        WHERE i.invocation_id = u.invocation_id`,
      [JSON.stringify(updates)],
    );
  }

  /** Deletes what is older than the cutoff, a bounded batch per statement (short locks). */
  async purgeOlderThan(cutoff: Date, batchSize = 5000): Promise<number> {
    const statements = [
      `DELETE FROM attempts WHERE ctid IN (SELECT ctid FROM attempts WHERE timestamp < $1 LIMIT $2)`,
      `DELETE FROM invocations WHERE ctid IN (SELECT ctid FROM invocations WHERE last_attempt_at < $1 LIMIT $2)`,
      `DELETE FROM events WHERE ctid IN (SELECT ctid FROM events WHERE received_at < $1 LIMIT $2)`,
    ];
    let total = 0;
    for (const sql of statements) {
      for (;;) {
        const [, deleted] = (await this.db.query(sql, [cutoff, batchSize])) as [unknown, number];
        total += deleted;
        if (deleted < batchSize) break;
      }
    }
    return total;
  }
}
