import { EntityManager, QueryFailedError } from 'typeorm';
import { z } from 'zod';
import { FieldChange, WorkflowEvent } from '@hookstream/contracts';
import { rowsOf } from '@hookstream/persistence';

/**
 * workflow_events, the source of truth of workflow configuration: one row
 * per domain event, secrets sealed, never updated nor deleted (a trigger
 * refuses it). (workflow_id, version) is its key, so two changes made from
 * the same version cannot both be appended.
 */

/** An event as it is appended: with its field-level diff, secrets masked. */
export interface RecordedEvent {
  event: WorkflowEvent;
  changes: FieldChange[];
}

const EVENT_COLUMNS = 'workflow_id, version, tenant_id, type, data, actor, request_id, occurred_at';

const EventRow = z.object({
  workflow_id: z.string(),
  version: z.number(),
  tenant_id: z.string(),
  type: z.string(),
  data: z.unknown(),
  actor: z.unknown(),
  request_id: z.string().nullable(),
  occurred_at: z.date(),
});

/** A stored row read through the event contract, as it was stamped (occurred_at keeps its milliseconds). */
const eventOf = (row: z.infer<typeof EventRow>): WorkflowEvent => WorkflowEvent.parse({ ...row, occurred_at: row.occurred_at.toISOString() });

/** SQLSTATE unique_violation on the key: another change took this version first. */
const UNIQUE_VIOLATION = '23505';
const EVENTS_KEY = 'workflow_events_pkey';

export function isVersionTaken(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = err.driverError as { code?: unknown; constraint?: unknown };
  return driverError.code === UNIQUE_VIOLATION && driverError.constraint === EVENTS_KEY;
}

/** In the caller's transaction; throws a unique violation (isVersionTaken) if a version is taken. */
export async function appendEvents(manager: EntityManager, recorded: readonly RecordedEvent[]): Promise<void> {
  for (const { event, changes } of recorded) {
    await manager.query(`INSERT INTO workflow_events (${EVENT_COLUMNS}, changes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      event.workflow_id,
      event.version,
      event.tenant_id,
      event.type,
      JSON.stringify(event.data),
      JSON.stringify(event.actor),
      event.request_id,
      event.occurred_at,
      JSON.stringify(changes),
    ]);
  }
}

/** Every event of the given workflows, in version order per workflow. */
export async function eventsOf(manager: EntityManager, workflowIds: readonly string[]): Promise<Map<string, WorkflowEvent[]>> {
  const rows = rowsOf(
    EventRow,
    await manager.query(`SELECT ${EVENT_COLUMNS} FROM workflow_events WHERE workflow_id = ANY($1::text[]) ORDER BY workflow_id, version`, [workflowIds]),
  );
  const events = new Map<string, WorkflowEvent[]>(workflowIds.map((id) => [id, []]));
  for (const row of rows) events.get(row.workflow_id)?.push(eventOf(row));
  return events;
}

/** The first event of a workflow of this tenant (workflow.created or workflow.imported), if it has any. */
export async function firstEventOf(manager: EntityManager, tenantId: string, workflowId: string): Promise<WorkflowEvent | undefined> {
  const rows = rowsOf(
    EventRow,
    await manager.query(`SELECT ${EVENT_COLUMNS} FROM workflow_events WHERE tenant_id = $1 AND workflow_id = $2 ORDER BY version LIMIT 1`, [tenantId, workflowId]),
  );
  return rows[0] && eventOf(rows[0]);
}

export async function hasEvents(manager: EntityManager, workflowId: string): Promise<boolean> {
  const [row] = rowsOf(z.object({ recorded: z.boolean() }), await manager.query('SELECT EXISTS (SELECT 1 FROM workflow_events WHERE workflow_id = $1) AS recorded', [workflowId]));
  return row.recorded;
}
