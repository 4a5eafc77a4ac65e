import { sqlMigration } from '@hookstream/persistence';

/** The dedup ledger: one row per (tenant, source, producer id), purged after the window. */
export const CreateProducerEventLedger1763800000000 = sqlMigration('CreateProducerEventLedger1763800000000', {
  up: [
    `
      CREATE TABLE producer_event_ids (
        tenant_id   text        NOT NULL,
        source      text        NOT NULL,
        producer_id text        NOT NULL,
        event_id    text        NOT NULL,
        published   boolean     NOT NULL DEFAULT false,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, source, producer_id)
      )`,
    `CREATE INDEX producer_event_ids_created_at ON producer_event_ids (created_at)`,
  ],
  down: [`DROP TABLE producer_event_ids`],
});

export const ProducerEventLedgerMigrations = [CreateProducerEventLedger1763800000000];
