import { MigrationInterface, QueryRunner } from 'typeorm';

/** The dedup ledger: one row per (tenant, source, producer id), purged after the window. */
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
