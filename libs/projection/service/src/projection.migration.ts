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

/**
 * What the console reads: the tenant's events newest first; an action's
 * attempts of the last hour (endpoint health); and the feed of attempts in
 * the order their writes committed (live tail). Attempts carry their tenant,
 * workflow and action, so each read is one range of one index, and the
 * writing transaction's id with a sequence number: the feed's position (see
 * AttemptFeedPosition). The columns are added without a default and the
 * defaults set after, so no table is rewritten; rows written before have
 * nulls and stay out of health and the feed.
 */
export const ConsoleReads1768000000000 = sqlMigration('ConsoleReads1768000000000', {
  up: [
    `ALTER TABLE attempts ADD COLUMN tenant_id text, ADD COLUMN workflow_id text, ADD COLUMN action_id text, ADD COLUMN seq bigint, ADD COLUMN xact_id xid8`,
    `CREATE SEQUENCE attempts_seq OWNED BY attempts.seq`,
    `ALTER TABLE attempts ALTER COLUMN seq SET DEFAULT nextval('attempts_seq'), ALTER COLUMN xact_id SET DEFAULT pg_current_xact_id()`,
    `CREATE INDEX attempts_feed ON attempts (tenant_id, xact_id, seq) WHERE xact_id IS NOT NULL`,
    `CREATE INDEX attempts_action_time ON attempts (tenant_id, action_id, timestamp) INCLUDE (succeeded, duration_ms, error_kind) WHERE action_id IS NOT NULL`,
    `CREATE INDEX events_recent ON events (tenant_id, timestamp DESC, id DESC)`,
  ],
  down: [
    `DROP INDEX events_recent`,
    `ALTER TABLE attempts DROP COLUMN xact_id, DROP COLUMN seq, DROP COLUMN action_id, DROP COLUMN workflow_id, DROP COLUMN tenant_id`,
  ],
});

export const ProjectionMigrations = [CreateReadModels1763800100000, WorkflowVersions1764800000000, ConsoleReads1768000000000];
