import { InternalHeaders } from '@hookstream/contracts';
import { Pool } from 'undici';
import { requestContext } from '@hookstream/logging';
import { ServiceUnreachableError, UpstreamError } from './api-error';

export interface InternalResponse<T = unknown> {
  status: number;
  body: T;
  /** The service's Retry-After, passed on with its 503. */
  retryAfter?: string;
}

/**
 * Calls an internal service on the private network, passing the
 * authenticated tenant in x-hookstream-tenant (which internal services trust)
 * and the request id in x-request-id.
 */
export class InternalHttpClient {
  private readonly pool: Pool;

  constructor(
    baseUrl: string,
    private readonly timeoutMs = 10_000,
    /** Sent on every call, e.g. the gateway's public base URL for the links an internal service builds. */
    private readonly defaultHeaders: Record<string, string> = {},
  ) {
    this.pool = new Pool(baseUrl, { connections: 32, connectTimeout: 2_000 });
  }

  /** Any answer; unreachable -> ServiceUnreachableError. */
  async request<T = unknown>(method: string, path: string, options: { tenantId?: string; body?: unknown } = {}): Promise<InternalResponse<T>> {
    const headers: Record<string, string> = { ...this.defaultHeaders };
    if (options.tenantId) headers[InternalHeaders.tenant] = options.tenantId;
    const requestId = requestContext.current()?.requestId;
    if (requestId) headers[InternalHeaders.requestId] = requestId;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    // Outside the try: a body that cannot be serialized is the gateway's fault, not an unreachable service.
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    try {
      const res = await this.pool.request({
        method: method as 'GET',
        path,
        headers,
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await res.body.text();
      let answer: unknown = undefined;
      if (text) {
        try {
          answer = JSON.parse(text);
        } catch {
          answer = text;
        }
      }
      const retryAfter = res.headers['retry-after'];
      return { status: res.statusCode, body: answer as T, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) };
    } catch (err) {
      throw new ServiceUnreachableError(`${method} ${path}: ${(err as Error).message}`);
    }
  }

  /** Success answers only: an error status passes through as UpstreamError. */
  async call<T = unknown>(method: string, path: string, options: { tenantId?: string; body?: unknown } = {}): Promise<InternalResponse<T>> {
    const res = await this.request<T>(method, path, options);
    if (res.status >= 400) throw new UpstreamError(res.status, res.body, res.retryAfter);
    return res;
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
