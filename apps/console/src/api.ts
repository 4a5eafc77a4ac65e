// The console's only way to the platform: the public API on this origin, with the tenant's key.
import { describeApiError } from './lib/api-error';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(
    readonly key: string,
    private readonly onUnauthorized: () => void,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(path, {
        method,
        headers: { ...this.headers(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiFailure(0, describeApiError(0, undefined));
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      if (res.status === 401) this.onUnauthorized();
      throw new ApiFailure(res.status, describeApiError(res.status, parsed));
    }
    return parsed as T;
  }

  headers(): Record<string, string> {
    return { authorization: `Bearer ${this.key}`, accept: 'application/json' };
  }
}

/** Checks a key before keeping it: one cheap authenticated read. */
export async function checkKey(key: string): Promise<void> {
  await new Api(key, () => undefined).get('/workflows?limit=1');
}

const SESSION_KEY = 'hookstream.console.apiKey';

/** The key lives in this tab's session storage only: closing the tab signs out. */
export const session = {
  load: (): string | null => sessionStorage.getItem(SESSION_KEY),
  save: (key: string) => sessionStorage.setItem(SESSION_KEY, key),
  clear: () => sessionStorage.removeItem(SESSION_KEY),
};
