/** A `_links` entry: a path of the public API on the gateway's base URL. */
export const href = (base: string, path: string) => ({ href: `${base}${path}` });

/**
 * The `_links` of one page of a list: `self` (the list's path, with its
 * filters), and `next`, the same list from the service's cursor on with the
 * caller's limit, while more remain.
 */
export function pageLinks(
  base: string,
  path: string,
  nextCursor: string | null,
  limit?: string,
  filters: Record<string, string | undefined> = {},
): { self: { href: string }; next?: { href: string } } {
  const kept = Object.entries(filters).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const self = new URLSearchParams(kept).toString();
  const next = new URLSearchParams([...kept, ...(limit !== undefined ? [['limit', limit] as [string, string]] : []), ['cursor', nextCursor ?? '']]);
  return { self: href(base, self ? `${path}?${self}` : path), ...(nextCursor ? { next: href(base, `${path}?${next}`) } : {}) };
}
