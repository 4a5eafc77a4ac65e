import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox changes the relay could not publish, kept whole for an operator (see config_outbox_rejected in the README). */
export class CreateConfigOutboxRejected1764650000000 implements MigrationInterface {
  name = 'CreateConfigOutboxRejected1764650000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE config_outbox_rejected (
      id bigserial PRIMARY KEY,
      outbox_id bigint NOT NULL,
      workflow_id text NOT NULL,
      state jsonb,
      reason text NOT NULL,
      rejected_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE config_outbox_rejected');
  }
}
