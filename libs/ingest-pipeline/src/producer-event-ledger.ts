import { Inject, Injectable } from '@nestjs/common';
import { MigrationInterface, QueryRunner, DataSource } from 'typeorm';

export class CreateProducerEventLedger1763800000000 implements MigrationInterface {
  name = 'CreateProducerEventLedger1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE producer_event_ids (
        tenant_id   text        NOT NULL,
        source      text        NOT NULL,
        producer_id text        NOT NULL,
        event_id    text        NOT NULL,
        published   boolean     NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, source, producer_id)
      )`);
    await q.query(`CREATE INDEX producer_event_ids_created_at ON producer_event_ids (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE producer_event_ids`);
  }
}

export const ProducerEventLedgerMigrations = [CreateProducerEventLedger1763800000000];

export interface ProducerKey {
  tenantId: string;
  source: string;
  producerId: string;
}

/** What the ledger decided for one producer id. */
export type Claim =
  /** First time (or the window passed): emit with this new id. */
  | { kind: 'new'; eventId: string }
  /** Claimed before but never acknowledged by Kafka (a crash): emit again, same id. */
  | { kind: 'unpublished'; eventId: string }
  /** Already emitted within the window: answer its id, emit nothing. */
  | { kind: 'duplicate'; eventId: string };

const keyOf = (k: ProducerKey) => `${k.tenantId}\u0000${k.source}\u0000${k.producerId}`;

/**
 * Remembers producer ids per (tenant, source) so the same id yields one
 * event. A row is claimed before the event is produced and marked published
 * after Kafka acknowledged it; a claimed-but-unpublished row (a crash in
 * between) is emitted again with the same evt id rather than lost.
 */
@Injectable()
export class ProducerEventLedger {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /** One round trip for a whole batch; `proposed` gives each key its new id if it is new. */
  async claim(keys: ProducerKey[], proposed: string[], windowHours: number): Promise<Claim[]> {
    if (keys.length === 0) return [];
    const inserted = new Set<string>(
      (
        (await this.db.query(
          `INSERT INTO producer_event_ids (tenant_id, source, producer_id, event_id)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           ON CONFLICT DO NOTHING
           RETURNING tenant_id, source, producer_id`,
          [keys.map((k) => k.tenantId), keys.map((k) => k.source), keys.map((k) => k.producerId), proposed],
        )) as { tenant_id: string; source: string; producer_id: string }[]
      ).map((r) => keyOf({ tenantId: r.tenant_id, source: r.source, producerId: r.producer_id })),
    );
    const others = keys.filter((k) => !inserted.has(keyOf(k)));
    const existing = new Map<string, { event_id: string; published: boolean; expired: boolean }>();
    if (others.length > 0) {
      // Rows past the window are claimed anew (the purge may not have run yet).
      const rows = updatedRows<{ tenant_id: string; source: string; producer_id: string; event_id: string; published: boolean; expired: boolean }>(await this.db.query(
        `WITH wanted AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS w(tenant_id, source, producer_id, event_id))
         UPDATE producer_event_ids p
            SET event_id = CASE WHEN p.created_at < now() - make_interval(hours => $5) THEN w.event_id ELSE p.event_id END,
                published = CASE WHEN p.created_at < now() - make_interval(hours => $5) THEN false ELSE p.published END,
                created_at = CASE WHEN p.created_at < now() - make_interval(hours => $5) THEN now() ELSE p.created_at END
           FROM wanted w
          WHERE p.tenant_id = w.tenant_id AND p.source = w.source AND p.producer_id = w.producer_id
         RETURNING p.tenant_id, p.source, p.producer_id, p.event_id, p.published, (p.event_id = w.event_id) AS expired`,
        [
          others.map((k) => k.tenantId),
          others.map((k) => k.source),
          others.map((k) => k.producerId),
          others.map((k) => proposed[keys.indexOf(k)]),
          windowHours,
        ],
      ));
      for (const r of rows) existing.set(keyOf({ tenantId: r.tenant_id, source: r.source, producerId: r.producer_id }), r);
    }
    return keys.map((k, i) => {
      const key = keyOf(k);
      if (inserted.has(key)) return { kind: 'new', eventId: proposed[i] };
      const row = existing.get(key);
      if (!row) return { kind: 'new', eventId: proposed[i] };
      if (row.expired) return { kind: 'new', eventId: row.event_id };
      return { kind: row.published ? 'duplicate' : 'unpublished', eventId: row.event_id };
    });
  }

  async markPublished(keys: ProducerKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query(
      `UPDATE producer_event_ids p SET published = true
         FROM unnest($1::text[], $2::text[], $3::text[]) AS w(tenant_id, source, producer_id)
        WHERE p.tenant_id = w.tenant_id AND p.source = w.source AND p.producer_id = w.producer_id AND NOT p.published`,
      [keys.map((k) => k.tenantId), keys.map((k) => k.source), keys.map((k) => k.producerId)],
    );
  }

  /** Deletes rows older than the window, a bounded batch at a time (short locks). */
  async purgeExpired(windowHours: number, batchSize = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const result = (await this.db.query(
        `DELETE FROM producer_event_ids WHERE ctid IN (
           SELECT ctid FROM producer_event_ids WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)`,
        [windowHours, batchSize],
      )) as [unknown, number];
      const deleted = Array.isArray(result) ? Number(result[1] ?? 0) : 0;
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}

/** TypeORM answers an UPDATE … RETURNING with [rows, affected], other queries with rows. */
function updatedRows<R>(result: unknown): R[] {
  return (Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as R[];
}
