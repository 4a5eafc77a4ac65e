/** The names of a route pattern's `:parameters`. */
export type RouteParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? Name | RouteParams<Rest>
  : P extends `${string}:${infer Name}`
    ? Name
    : never;

export type RouteQuery = Record<string, string | number | undefined>;

/**
 * One internal HTTP route: the pattern the answering service declares to
 * NestJS, and the path the calling service requests, built from the same
 * string so the two cannot drift.
 */
export interface InternalRoute<P extends string> {
  readonly pattern: P;
  path(...args: [RouteParams<P>] extends [never] ? [params?: Record<string, never>, query?: RouteQuery] : [params: Record<RouteParams<P>, string>, query?: RouteQuery]): string;
}

export function internalRoute<P extends `internal/${string}`>(pattern: P): InternalRoute<P> {
  return {
    pattern,
    path: (params?: Record<string, string>, query?: RouteQuery) => {
      const path = pattern.replace(/:([A-Za-z]+)/g, (_, name: string) => encodeURIComponent(params?.[name] ?? ''));
      const search = new URLSearchParams();
      for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) search.set(name, String(value));
      const qs = search.toString();
      return `/${path}${qs ? `?${qs}` : ''}`;
    },
  };
}
