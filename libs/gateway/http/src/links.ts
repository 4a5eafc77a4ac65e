/** A `_links` entry: a path of the public API on the gateway's base URL. */
export const href = (base: string, path: string) => ({ href: `${base}${path}` });

/**
 * The `_links` of one page of a list: `self` (the list's path), and `next`,
 * the same list from the service's cursor on with the caller's limit, while
 * more remain.
 */
export function pageLinks(base: string, path: string, nextCursor: string | null, limit?: string): { self: { href: string }; next?: { href: string } } {
  const next = new URLSearchParams({ ...(limit !== undefined ? { limit } : {}), cursor: nextCursor ?? '' });
  return { self: href(base, path), ...(nextCursor ? { next: href(base, `${path}?${next}`) } : {}) };
}
