import { ReadResult, WorkflowListPaging } from '@hookstream/contracts';
import { decodeCursor, encodeCursor, readLimit } from './paging';

/** Where a list stands: the (created_at, id) of the last workflow served. Lists are in that order. */
export interface ListPosition {
  /** created_at to the microsecond, UTC, as Postgres writes it (a JS Date would lose the microseconds). */
  createdAt: string;
  id: string;
}

/** A page of a tenant's workflows: `limit` of them after `after` (null: from the first). */
export interface ListPaging {
  limit: number;
  after: ListPosition | null;
}

const POSITION = /^([1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z)\|([A-Za-z0-9_-]{1,64})$/;

/** The shape can still hold a time no calendar has (02-31, 25:00), which Postgres would refuse. */
function isInstant(text: string): boolean {
  const time = Date.parse(text);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === text.slice(0, 19);
}

/** The cursor of the page after `position`: opaque to callers. */
export function listCursor(position: ListPosition): string {
  return encodeCursor(`${position.createdAt}|${position.id}`);
}

/**
 * ?limit and ?cursor of GET /workflows and /api/v1/webhooks, as the query
 * string brings them (any shape at all). Neither: null, the whole list as
 * the API always answered it. Either: a page (limit 1 to 500, 50 by
 * default; the cursor one we issued).
 */
export function readListPaging(query: Record<string, unknown>): ReadResult<ListPaging | null> {
  if (query.limit === undefined && query.cursor === undefined) return { ok: true, value: null };
  const codes: string[] = [];
  const limit = readLimit(query.limit, WorkflowListPaging);
  if (limit === undefined) codes.push('limit_invalid');
  let after: ListPosition | null = null;
  if (query.cursor !== undefined) {
    const match = decodeCursor(query.cursor, POSITION);
    if (match && isInstant(match[1])) after = { createdAt: match[1], id: match[2] };
    else codes.push('cursor_invalid');
  }
  return limit === undefined || codes.length > 0 ? { ok: false, codes } : { ok: true, value: { limit, after } };
}
