import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { Claim, ProducerKey, producerKeyString } from '@hookstream/ingest-domain';
import { affectedCount, rowsOf } from '@hookstream/persistence';

const LedgerKeyRow = z.object({ tenant_id: z.string(), source: z.string(), producer_id: z.string() });
const LedgerRow = LedgerKeyRow.extend({ event_id: z.string(), published: z.boolean(), renewed: z.boolean() });
type LedgerRow = z.infer<typeof LedgerRow>;

const rowKey = (r: { tenant_id: string; source: string; producer_id: string }) =>
  producerKeyString({ tenantId: r.tenant_id, source: r.source, producerId: r.producer_id });

/**
 * Remembers producer ids per (tenant, source) so the same id yields one
 * event. A row is claimed before the event is produced and marked published
 * after Kafka acknowledged it; a claimed-but-unpublished row (a crash in
 * between) is emitted again with the same evt id rather than lost.
 */
@Injectable()
export class ProducerEventLedger {
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  /**
   * Claims a batch's keys: one INSERT for all of them, and one more query
   * only for those already present. `proposeId` gives a key its id if new.
   */
  async claim(keys: readonly ProducerKey[], proposeId: () => string, windowHours: number): Promise<Map<string, Claim>> {
    const claims = new Map<string, Claim>();
    let pending = [...keys];
    // A row purged or renewed by someone else between our two statements is
    // in neither answer: claiming it again settles it on the next round.
    for (let round = 1; pending.length > 0; round++) {
      if (round > 3) throw new Error(`could not claim ${pending.length} producer ids`);
      const proposed = new Map(pending.map((k) => [producerKeyString(k), proposeId()]));
      for (const key of await this.insertNew(pending, proposed)) claims.set(key, { kind: 'new', eventId: proposed.get(key) ?? '' });
      const present = pending.filter((k) => !claims.has(producerKeyString(k)));
      for (const row of await this.readPresent(present, proposed, windowHours)) {
        const eventId = row.event_id;
        claims.set(rowKey(row), row.renewed ? { kind: 'new', eventId } : { kind: row.published ? 'duplicate' : 'unpublished', eventId });
      }
      pending = present.filter((k) => !claims.has(producerKeyString(k)));
    }
    return claims;
  }

  /** Keys sorted, so that concurrent claims lock rows in one order and cannot deadlock. */
  private async insertNew(keys: readonly ProducerKey[], proposed: ReadonlyMap<string, string>): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = rowsOf(
      LedgerKeyRow,
      await this.db.query(
        `INSERT INTO producer_event_ids (tenant_id, source, producer_id, event_id)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS w(tenant_id, source, producer_id, event_id)
        ORDER BY tenant_id, source, producer_id
       ON CONFLICT DO NOTHING
       RETURNING tenant_id, source, producer_id`,
        [...columns(keys), keys.map((k) => proposed.get(producerKeyString(k)))],
      ),
    );
    return rows.map(rowKey);
  }

  /**
   * Rows already there: within the window they answer their id; past it
   * (the purge may not have run yet) they are claimed anew with the
   * proposed id. Only expired rows are written, locked in key order.
   */
  private async readPresent(keys: readonly ProducerKey[], proposed: ReadonlyMap<string, string>, windowHours: number): Promise<LedgerRow[]> {
    if (keys.length === 0) return [];
    return rowsOf(
      LedgerRow,
      await this.db.query(
        `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS w(tenant_id, source, producer_id, event_id)
       ), expired AS (
         SELECT p.tenant_id, p.source, p.producer_id, w.event_id
           FROM producer_event_ids p JOIN wanted w USING (tenant_id, source, producer_id)
          WHERE p.created_at < now() - make_interval(hours => $5)
          ORDER BY p.tenant_id, p.source, p.producer_id
            FOR UPDATE OF p
       ), renewed AS (
         UPDATE producer_event_ids p
            SET event_id = e.event_id, published = false, created_at = now()
           FROM expired e
          WHERE p.tenant_id = e.tenant_id AND p.source = e.source AND p.producer_id = e.producer_id
         RETURNING p.tenant_id, p.source, p.producer_id, p.event_id, p.published
       )
       SELECT tenant_id, source, producer_id, event_id, published, true AS renewed FROM renewed
       UNION ALL
       SELECT p.tenant_id, p.source, p.producer_id, p.event_id, p.published, false AS renewed
         FROM producer_event_ids p JOIN wanted w USING (tenant_id, source, producer_id)
        WHERE p.created_at >= now() - make_interval(hours => $5)`,
        [...columns(keys), keys.map((k) => proposed.get(producerKeyString(k))), windowHours],
      ),
    );
  }

  /** Rows locked in key order first, as in insertNew, so concurrent marks cannot deadlock. */
  async markPublished(keys: readonly ProducerKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query(
      `WITH locked AS (
         SELECT p.tenant_id, p.source, p.producer_id
           FROM producer_event_ids p
           JOIN unnest($1::text[], $2::text[], $3::text[]) AS w(tenant_id, source, producer_id) USING (tenant_id, source, producer_id)
          WHERE NOT p.published
          ORDER BY p.tenant_id, p.source, p.producer_id
            FOR UPDATE OF p
       )
       UPDATE producer_event_ids p SET published = true
         FROM locked l
        WHERE p.tenant_id = l.tenant_id AND p.source = l.source AND p.producer_id = l.producer_id`,
      columns(keys),
    );
  }

  /** Deletes rows older than the window, a bounded batch at a time (short locks). */
  async purgeExpired(windowHours: number, batchSize = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = affectedCount(
        await this.db.query(
          `DELETE FROM producer_event_ids WHERE ctid IN (
             SELECT ctid FROM producer_event_ids WHERE created_at < now() - make_interval(hours => $1) LIMIT $2)`,
          [windowHours, batchSize],
        ),
      );
      total += deleted;
      if (deleted < batchSize) return total;
    }
  }
}

function columns(keys: readonly ProducerKey[]): [string[], string[], string[]] {
  return [keys.map((k) => k.tenantId), keys.map((k) => k.source), keys.map((k) => k.producerId)];
}
