import { href } from '@hookstream/gateway-http';
import type { ReflowRow } from './reflow.repository';

export const reflowPath = (id: string) => `/workflows/events/reflow/${id}`;

/** POST /workflows/events/reflow (subjects) and GET /workflows/events/reflow/{id}: where a reflow is. */
export function reflowView(base: string, row: ReflowRow) {
  return {
    id: row.id,
    status: row.status,
    ...(row.workflow_ids ? { workflows: row.workflow_ids } : {}),
    subjects: { total: row.subjects.length, done: row.subjects_done, without_events: row.subjects_without_events },
    events: { total: row.events_total, published: row.events_published },
    errors: row.errors,
    created_at: row.created_at.toISOString(),
    started_at: row.started_at?.toISOString() ?? null,
    finished_at: row.finished_at?.toISOString() ?? null,
    _links: { self: href(base, reflowPath(row.id)) },
  };
}
