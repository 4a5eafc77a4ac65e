import { sqlMigration } from '@hookstream/persistence';
import { SEALED_PREFIX } from '@hookstream/secrets';

/** Who imported the workflows that existed before their history was kept. */
const MIGRATION_ACTOR = `'{"type":"platform","id":"migration"}'::jsonb`;

/** A secret of a state still in clear (a row from before sealing): such rows are imported by the resealer, which seals them first. */
const CLEAR_SECRET_PATHS = [
  `$.actions[*].signing_secrets[*] ? (!(@ starts with "${SEALED_PREFIX}"))`,
  `$.actions[*].headers.* ? (!(@ starts with "${SEALED_PREFIX}"))`,
  `$.actions[*].signature.key ? (!(@ starts with "${SEALED_PREFIX}"))`,
];
const allSealed = CLEAR_SECRET_PATHS.map((path) => `NOT jsonb_path_exists(w.state, '${path}')`).join(' AND ');

/** An event's occurred_at as the contract writes it (ISO 8601, milliseconds, Z), the way the store reads it back. */
const isoTime = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Workflow configuration becomes event-sourced: workflow_events is the
 * source of truth (append-only, a trigger refuses the rest), the outbox
 * carries each change's events beside its snapshot, and every workflow
 * that exists gets a workflow.imported event (version = its state's), so
 * its history starts here and its events fold to its state.
 */
export const RecordWorkflowEvents1765100000000 = sqlMigration('RecordWorkflowEvents1765100000000', {
  up: [
    `CREATE TABLE workflow_events (
      workflow_id text NOT NULL,
      version int NOT NULL CHECK (version > 0),
      tenant_id text NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      actor jsonb NOT NULL,
      request_id text,
      occurred_at timestamptz NOT NULL,
      changes jsonb NOT NULL DEFAULT '[]',
      seq bigserial NOT NULL UNIQUE,
      PRIMARY KEY (workflow_id, version))`,
    `CREATE INDEX workflow_events_tenant ON workflow_events (tenant_id, workflow_id, version DESC)`,
    `CREATE FUNCTION workflow_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'workflow_events is append-only: % refused (a workflow''s history is never rewritten)', TG_OP
          USING HINT = 'a change is a new event; a wrong snapshot is rebuilt from the events (npm run workflows:rebuild)';
      END $$`,
    `CREATE TRIGGER workflow_events_append_only BEFORE UPDATE OR DELETE ON workflow_events
      FOR EACH ROW EXECUTE FUNCTION workflow_events_append_only()`,
    `CREATE TRIGGER workflow_events_no_truncate BEFORE TRUNCATE ON workflow_events
      FOR EACH STATEMENT EXECUTE FUNCTION workflow_events_append_only()`,
    `ALTER TABLE config_outbox ADD COLUMN events jsonb NOT NULL DEFAULT '[]'`,
    `ALTER TABLE config_outbox_rejected ADD COLUMN events jsonb NOT NULL DEFAULT '[]'`,
    // The import, published like any change: its event on the recorded topic, the (same) state on the config topic.
    `WITH imported AS (
      INSERT INTO workflow_events (workflow_id, version, tenant_id, type, data, actor, request_id, occurred_at, changes)
      SELECT w.id, (w.state->>'version')::int, w.tenant_id, 'workflow.imported', jsonb_build_object('state', w.state),
        ${MIGRATION_ACTOR}, NULL, date_trunc('milliseconds', now()), '[]'
      FROM workflows w
      WHERE ${allSealed}
      ORDER BY w.created_at, w.id
      RETURNING workflow_id, version, tenant_id, type, data, actor, occurred_at)
    INSERT INTO config_outbox (workflow_id, state, events)
    SELECT workflow_id, data->'state', jsonb_build_array(jsonb_build_object(
      'workflow_id', workflow_id, 'tenant_id', tenant_id, 'version', version, 'occurred_at', ${isoTime('occurred_at')},
      'actor', actor, 'request_id', NULL, 'type', type, 'data', data))
    FROM imported`,
  ],
  down: [
    'ALTER TABLE config_outbox_rejected DROP COLUMN events',
    'ALTER TABLE config_outbox DROP COLUMN events',
    'DROP TABLE workflow_events',
    'DROP FUNCTION workflow_events_append_only()',
  ],
});
