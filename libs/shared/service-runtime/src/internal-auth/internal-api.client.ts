import { Pool } from 'undici';
import { InternalHeaders } from '@hookstream/contracts';
import { requestContext } from '@hookstream/logging';
import { ServiceCredentials } from './service-credentials';

export interface InternalAnswer<T = unknown> {
  status: number;
  body: T;
  /** The service's Retry-After, for its 503. */
  retryAfter?: string;
}

export interface InternalCallOptions {
  /** The tenant the call acts for: signed into the credential, sent nowhere else. */
  tenantId?: string;
  /** Who made the public request behind the call (`api_key:<key id>`, `admin`): sent as InternalHeaders.actor, covered by the credential. */
  actor?: string;
  body?: unknown;
}

/** The service could not be reached, or did not answer in time. */
export class InternalServiceUnreachableError extends Error {
  override readonly name = 'InternalServiceUnreachableError';
}

/**
 * Calls another service's internal routes: the one place a call is signed
 * (see ServiceCredentials). Carries the current request id along.
 */
export class InternalApiClient {
  private readonly pool: Pool;

  constructor(
    baseUrl: string,
    private readonly credentials: ServiceCredentials,
    private readonly options: { timeoutMs?: number; connections?: number; headers?: Record<string, string> } = {},
  ) {
    this.pool = new Pool(baseUrl, { connections: options.connections ?? 32, connectTimeout: 2_000 });
  }

  /** Any answer, its JSON body parsed (a body that is not JSON stays text); unreachable -> InternalServiceUnreachableError. */
  async request(method: string, path: string, options: InternalCallOptions = {}): Promise<InternalAnswer> {
    // Outside the try: a body that cannot be serialized is the caller's fault, not an unreachable service.
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {
      ...this.options.headers,
      [InternalHeaders.credential]: this.credentials.sign({ method, path, tenantId: options.tenantId, body, actor: options.actor }),
    };
    if (options.actor) headers[InternalHeaders.actor] = options.actor;
    const requestId = requestContext.current()?.requestId;
    if (requestId) headers[InternalHeaders.requestId] = requestId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeoutMs = this.options.timeoutMs ?? 10_000;
    try {
      const res = await this.pool.request({ method: method as 'GET', path, headers, body, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const text = await res.body.text();
      const retryAfter = res.headers['retry-after'];
      return { status: res.statusCode, body: parseJson(text), ...(typeof retryAfter === 'string' ? { retryAfter } : {}) };
    } catch (err) {
      throw new InternalServiceUnreachableError(`${method} ${path}: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
