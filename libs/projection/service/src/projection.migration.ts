import { sqlMigration } from '@hookstream/persistence';

export const CreateReadModels1763800100000 = sqlMigration('CreateReadModels1763800100000', {
  up: [
    `
      CREATE TABLE events (
        id                    text PRIMARY KEY,
        tenant_id             text        NOT NULL,
        source                text        NOT NULL,
        type                  text        NOT NULL,
        subject_id            text        NOT NULL,
        entity_id             text,
        processing_channel_id text,
        timestamp             timestamptz NOT NULL,
        version               text        NOT NULL,
        data                  jsonb       NOT NULL,
        metadata              jsonb       NOT NULL,
        received_at           timestamptz NOT NULL
      )`,
    // The subject index: a tenant's subject, newest first.
    `CREATE INDEX events_subject ON events (tenant_id, subject_id, timestamp DESC, id DESC)`,
    `CREATE INDEX events_received_at ON events (received_at)`,
    `
      CREATE TABLE invocations (
        invocation_id text PRIMARY KEY,
        tenant_id     text NOT NULL,
        event_id      text NOT NULL,
        workflow_id   text NOT NULL,
        action_id     text NOT NULL,
        status        text NOT NULL,
        last_attempt_at timestamptz NOT NULL
      )`,
    `CREATE INDEX invocations_event ON invocations (event_id, action_id)`,
    `CREATE INDEX invocations_last_attempt ON invocations (last_attempt_at)`,
    // An attempt is identified by its invocation, number and time: a reflow
    // numbers again from 1, and a replayed outcome has the same key.
    `
      CREATE TABLE attempts (
        invocation_id        text        NOT NULL,
        attempt              integer     NOT NULL,
        timestamp            timestamptz NOT NULL,
        retry                boolean     NOT NULL,
        succeeded            boolean     NOT NULL,
        final                boolean     NOT NULL,
        status_code          integer,
        error_kind           text,
        error_message        text,
        url                  text        NOT NULL,
        request_headers      jsonb       NOT NULL,
        response_body        text,
        response_received_at timestamptz,
        duration_ms          double precision NOT NULL,
        next_attempt_at      timestamptz,
        PRIMARY KEY (invocation_id, attempt, timestamp)
      )`,
    `CREATE INDEX attempts_timestamp ON attempts (timestamp)`,
  ],
  down: [`DROP TABLE attempts; DROP TABLE invocations; DROP TABLE events`],
});

/**
 * The workflow version each attempt's job was matched with, and its
 * invocation's latest; null on rows written before (no default, so adding
 * the columns rewrites no table).
 */
export const WorkflowVersions1764800000000 = sqlMigration('WorkflowVersions1764800000000', {
  up: [`ALTER TABLE attempts ADD COLUMN workflow_version integer`, `ALTER TABLE invocations ADD COLUMN workflow_version integer`],
  down: [`ALTER TABLE invocations DROP COLUMN workflow_version`, `ALTER TABLE attempts DROP COLUMN workflow_version`],
});

export const ProjectionMigrations = [CreateReadModels1763800100000, WorkflowVersions1764800000000];
