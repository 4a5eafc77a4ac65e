import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateWorkflowConfig1732300000001 implements MigrationInterface {
  name = 'CreateWorkflowConfig1732300000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE workflows (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      subscription_uuid uuid UNIQUE,
      state jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await runner.query(`CREATE INDEX workflows_tenant ON workflows (tenant_id, created_at)`);
    await runner.query(`CREATE TABLE config_outbox (id bigserial PRIMARY KEY, workflow_id text NOT NULL, state jsonb)`);
    await runner.query(`CREATE TABLE event_types (
      source_id text NOT NULL,
      event_id text NOT NULL,
      source_display_name text NOT NULL,
      source_description text NOT NULL DEFAULT '',
      display_name text NOT NULL,
      description text NOT NULL DEFAULT '',
      position int NOT NULL DEFAULT 1000000,
      PRIMARY KEY (source_id, event_id))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE event_types');
    await runner.query('DROP TABLE config_outbox');
    await runner.query('DROP TABLE workflows');
  }
}
