import { sqlMigration } from '@hookstream/persistence';

/**
 * Asynchronous reflows, in the gateway's schema. A row is the whole job:
 * its plan (`subjects`, in order), where it is (`subjects_done`, and
 * `page_cursor` within the next subject), and who runs it until when
 * (`runner`, `lease_until`), so another gateway resumes it when its runner
 * stops renewing the lease.
 */
export const CreateReflows1767100000000 = sqlMigration('CreateReflows1767100000000', {
  up: [
    `CREATE TABLE reflows (
      id text PRIMARY KEY,
      tenant_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('queued', 'running', 'completed', 'failed')),
      workflow_ids jsonb,
      subjects jsonb NOT NULL,
      subjects_without_events integer NOT NULL DEFAULT 0,
      subjects_done integer NOT NULL DEFAULT 0,
      page_cursor text,
      events_total integer NOT NULL,
      events_published integer NOT NULL DEFAULT 0,
      errors jsonb NOT NULL DEFAULT '[]',
      runner text,
      lease_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`,
    // Claims and the per-tenant count of unfinished reflows read these alone.
    `CREATE INDEX reflows_unfinished ON reflows (tenant_id, created_at) WHERE status IN ('queued', 'running')`,
    `CREATE INDEX reflows_finished_at ON reflows (finished_at) WHERE finished_at IS NOT NULL`,
  ],
  down: ['DROP TABLE reflows'],
});
