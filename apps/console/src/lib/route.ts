// Hash routes (`#/events/evt_…`): the gateway serves one page, the browser keeps the place.

export type Route =
  | { page: 'workflows' }
  | { page: 'workflow-new' }
  | { page: 'workflow'; id: string }
  | { page: 'health'; id: string }
  | { page: 'events'; query?: string; workflowId?: string }
  | { page: 'event'; id: string }
  | { page: 'live'; workflowId?: string }
  | { page: 'not-found'; hash: string };

// Ids come from the address bar: anything else is a page not found, never a request.
const ID = /^[A-Za-z0-9_-]{1,128}$/;
const SEARCH = /^[\x20-\x7e]{1,256}$/;

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const [pathPart, queryPart = ''] = raw.split('?', 2);
  const parts = pathPart.split('/').filter(Boolean);
  const query = new URLSearchParams(queryPart);
  const param = (name: string, pattern: RegExp) => {
    const value = query.get(name);
    return value !== null && pattern.test(value) ? value : undefined;
  };
  const [first, second, third] = parts;
  if (parts.length === 0 || (first === 'workflows' && parts.length === 1)) return { page: 'workflows' };
  if (first === 'workflows' && second === 'new' && parts.length === 2) return { page: 'workflow-new' };
  if (first === 'workflows' && second && ID.test(second)) {
    if (parts.length === 2) return { page: 'workflow', id: second };
    if (third === 'health' && parts.length === 3) return { page: 'health', id: second };
  }
  if (first === 'events' && parts.length === 1) return { page: 'events', query: param('q', SEARCH), workflowId: param('workflow', ID) };
  if (first === 'events' && second && ID.test(second) && parts.length === 2) return { page: 'event', id: second };
  if (first === 'live' && parts.length === 1) return { page: 'live', workflowId: param('workflow', ID) };
  return { page: 'not-found', hash: raw.slice(0, 200) };
}

/** The `#/…` link of a route. */
export function routeHref(route: Route): string {
  const q = (params: Record<string, string | undefined>) => {
    const s = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
    return s ? `?${s}` : '';
  };
  switch (route.page) {
    case 'workflows':
      return '#/workflows';
    case 'workflow-new':
      return '#/workflows/new';
    case 'workflow':
      return `#/workflows/${route.id}`;
    case 'health':
      return `#/workflows/${route.id}/health`;
    case 'events':
      return `#/events${q({ q: route.query, workflow: route.workflowId })}`;
    case 'event':
      return `#/events/${route.id}`;
    case 'live':
      return `#/live${q({ workflow: route.workflowId })}`;
    case 'not-found':
      return '#/workflows';
  }
}
