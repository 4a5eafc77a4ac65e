import { Agent } from 'undici';
import { EgressPolicy } from './egress-policy';
import { EGRESS_BLOCKED, guardedConnector } from './guarded-connector';

/** How a POST ended: a response of any status, or none and why. */
export type PostResult =
  | { kind: 'response'; status: number; retryAfter?: string; body: string | null; receivedAt: Date }
  | { kind: 'failure'; failure: 'timeout' | 'network' | 'ssrf_blocked' | 'invalid_url'; message: string };

export interface WebhookClientOptions {
  egress: EgressPolicy;
  /** Keep-alive connections per origin. */
  connectionsPerOrigin: number;
  /** Bytes of a response body kept for the attempt record. */
  responseBodyCapBytes: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface WebhookPost {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * POSTs webhooks with undici: keep-alive pools per origin, one deadline per
 * attempt covering connect, headers and body, no redirects followed, the
 * response body read up to a cap, and the egress policy checked at connect
 * time. Never throws: every way an attempt can end is a PostResult.
 */
export class WebhookClient {
  private readonly agent: Agent;

  constructor(private readonly options: WebhookClientOptions) {
    this.agent = new Agent({
      connections: options.connectionsPerOrigin,
      pipelining: 1,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 10_000,
      connect: guardedConnector(options.egress, { timeout: options.connectTimeoutMs ?? 10_000 }),
    });
  }

  async post(request: WebhookPost): Promise<PostResult> {
    const url = parseTarget(request.url);
    if (typeof url === 'string') return { kind: 'failure', failure: 'invalid_url', message: url };
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
    try {
      const response = await this.agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: deadline.signal,
      });
      const receivedAt = new Date();
      const body = await readCapped(response.body, this.options.responseBodyCapBytes);
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'response',
        status: response.statusCode,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        body,
        receivedAt,
      };
    } catch (err) {
      return describeFailure(err, deadline.signal.aborted, request.timeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }
}

function parseTarget(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `'${raw}' is not a URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URLs are not delivered to (http and https only)`;
  if (url.username || url.password) return 'credentials in the URL are not supported; use the action headers';
  return url;
}

function describeFailure(err: unknown, timedOut: boolean, timeoutMs: number): PostResult {
  const error = err as { code?: string; name?: string; message?: string };
  if (error.code === EGRESS_BLOCKED) return { kind: 'failure', failure: 'ssrf_blocked', message: `blocked before connecting: ${error.message}` };
  if (timedOut || error.name === 'TimeoutError' || TIMEOUT_CODES.has(error.code ?? '')) {
    return { kind: 'failure', failure: 'timeout', message: `no complete response within ${timeoutMs} ms` };
  }
  return { kind: 'failure', failure: 'network', message: [error.code, error.message].filter(Boolean).join(': ') || String(err) };
}

/** The body up to `cap` bytes; the rest is discarded with the connection. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, cap: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const room = cap - size;
    if (chunk.length > room) {
      chunks.push(chunk.subarray(0, room));
      size = cap;
      body.destroy();
      break;
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return size === 0 ? null : Buffer.concat(chunks).toString('utf8');
}
