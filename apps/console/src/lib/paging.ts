// Lists page with `_links.next`; the console follows them on its own origin (the API's
// PUBLIC_BASE_URL may name another host than the one serving the console).

/** A `_links` href as a path on this origin (`/workflows/events?limit=20&cursor=…`); undefined when it is not an http(s) URL. */
export function apiPath(href: string | undefined): string | undefined {
  if (!href) return undefined;
  let url: URL;
  try {
    url = new URL(href, 'http://console.invalid');
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return `${url.pathname}${url.search}`;
}

/** The cursor of a `_links.next` href, if any. */
export function nextCursor(links: { next?: { href: string } } | undefined): string | undefined {
  const path = apiPath(links?.next?.href);
  if (!path) return undefined;
  return new URL(path, 'http://console.invalid').searchParams.get('cursor') || undefined;
}

/** `path?a=1&b=x`, leaving out empty values. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
