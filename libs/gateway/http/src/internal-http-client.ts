import type { z } from 'zod';
import { InternalAnswer, InternalApiClient, InternalCallOptions, InternalServiceUnreachableError, ServiceCredentials } from '@hookstream/service-runtime';
import { ServiceUnreachableError, UpstreamError } from './api-error';

/**
 * The gateway's calls to an internal service, signed with its service
 * credential (the tenant it acts for is signed in), with the internal
 * service's errors in the shapes the gateway answers.
 */
export class InternalHttpClient {
  private readonly api: InternalApiClient;

  constructor(
    baseUrl: string,
    credentials: ServiceCredentials,
    /** Sent on every call, e.g. the gateway's public base URL for the links an internal service builds. */
    headers: Record<string, string> = {},
    /** Calls in flight at once (one connection each); more wait in line. */
    connections?: number,
  ) {
    this.api = new InternalApiClient(baseUrl, credentials, { headers, connections });
  }

  /** Any answer but a refused credential; unreachable -> ServiceUnreachableError. */
  async request<T = unknown>(method: string, path: string, options: InternalCallOptions = {}): Promise<InternalAnswer<T>> {
    let res: InternalAnswer;
    try {
      res = await this.api.request(method, path, options);
    } catch (err) {
      if (err instanceof InternalServiceUnreachableError) throw new ServiceUnreachableError(err.message);
      throw err;
    }
    // Keys that differ, clocks far apart or a route not for the gateway are the deployment's fault, not the client's: 503, never a 401 or 403.
    if (res.status === 401 || res.status === 403) throw new ServiceUnreachableError(`${method} ${path}: the service refused the gateway's credential: ${JSON.stringify(res.body)}`);
    return res as InternalAnswer<T>;
  }

  /** Success answers only: an error status passes through as UpstreamError. */
  async call<T = unknown>(method: string, path: string, options: InternalCallOptions = {}): Promise<InternalAnswer<T>> {
    const res = await this.request<T>(method, path, options);
    if (res.status >= 400) throw new UpstreamError(res.status, res.body, res.retryAfter);
    return res;
  }

  /** A success answer, read with its contract's schema: one outside it is the service's fault (503). */
  async read<S extends z.ZodType>(method: string, path: string, answer: S, options: InternalCallOptions = {}): Promise<z.infer<S>> {
    return this.parse(method, path, answer, (await this.call(method, path, options)).body);
  }

  /** 404 as undefined, any other error as UpstreamError; a success answer read with its contract's schema. */
  async find<S extends z.ZodType>(method: string, path: string, answer: S, options: InternalCallOptions = {}): Promise<z.infer<S> | undefined> {
    const res = await this.request(method, path, options);
    if (res.status === 404) return undefined;
    if (res.status >= 400) throw new UpstreamError(res.status, res.body, res.retryAfter);
    return this.parse(method, path, answer, res.body);
  }

  async close(): Promise<void> {
    await this.api.close();
  }

  private parse<S extends z.ZodType>(method: string, path: string, answer: S, body: unknown): z.infer<S> {
    const read = answer.safeParse(body);
    if (!read.success) throw new ServiceUnreachableError(`${method} ${path}: answer outside its contract: ${read.error.message}`);
    return read.data;
  }
}
