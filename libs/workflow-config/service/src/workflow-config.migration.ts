import { sqlMigration } from '@hookstream/persistence';

export const CreateWorkflowConfig1732300000001 = sqlMigration('CreateWorkflowConfig1732300000001', {
  up: [
    `CREATE TABLE workflows (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      subscription_uuid uuid UNIQUE,
      state jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`,
    `CREATE INDEX workflows_tenant ON workflows (tenant_id, created_at)`,
    `CREATE TABLE config_outbox (id bigserial PRIMARY KEY, workflow_id text NOT NULL, state jsonb)`,
    `CREATE TABLE event_types (
      source_id text NOT NULL,
      event_id text NOT NULL,
      source_display_name text NOT NULL,
      source_description text NOT NULL DEFAULT '',
      display_name text NOT NULL,
      description text NOT NULL DEFAULT '',
      position int NOT NULL DEFAULT 1000000,
      PRIMARY KEY (source_id, event_id))`,
  ],
  down: ['DROP TABLE event_types', 'DROP TABLE config_outbox', 'DROP TABLE workflows'],
});
