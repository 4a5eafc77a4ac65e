import { sqlMigration } from '@hookstream/persistence';

/** Outbox changes the relay could not publish, kept whole for an operator (see config_outbox_rejected in the README). */
export const CreateConfigOutboxRejected1764650000000 = sqlMigration('CreateConfigOutboxRejected1764650000000', {
  up: [
    `CREATE TABLE config_outbox_rejected (
      id bigserial PRIMARY KEY,
      outbox_id bigint NOT NULL,
      workflow_id text NOT NULL,
      state jsonb,
      reason text NOT NULL,
      rejected_at timestamptz NOT NULL DEFAULT now())`,
  ],
  down: ['DROP TABLE config_outbox_rejected'],
});
