import { Agent } from 'undici';
import { withoutTracePropagation } from '@hookstream/tracing';
import { EgressPolicy } from './egress-policy';
import { EgressRules } from './egress-rules';
import { EGRESS_BLOCKED, guardedConnector } from './guarded-connector';

/**
 * How a POST ended: a response of any status, or none and why. `message` is
 * for the tenant (attempt records); `detail`, with the addresses and names
 * inside the platform's network, for the service log only.
 */
export type PostResult =
  | { kind: 'response'; status: number; retryAfter?: string; body: string | null; receivedAt: Date }
  | { kind: 'failure'; failure: 'timeout' | 'network' | 'ssrf_blocked' | 'invalid_url'; message: string; detail?: string };

/** All a tenant learns of a refused destination: not which rule, name or address refused it. */
export const DESTINATION_NOT_ALLOWED = 'destination not allowed';

export interface WebhookClientOptions {
  egress: EgressRules;
  /** Keep-alive connections per origin. */
  connectionsPerOrigin: number;
  /** Bytes of a response body kept for the attempt record. */
  responseBodyCapBytes: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export interface WebhookPost {
  /** Whose egress policy applies. */
  tenantId: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/**
 * POSTs webhooks with undici: keep-alive pools per origin, one deadline per
 * attempt covering connect, headers and body, no redirects followed, the
 * response body read up to a cap, and the tenant's egress policy checked
 * at connect time. Never throws: every way an attempt can end is a PostResult.
 */
export class WebhookClient {
  /**
   * One agent per egress policy: a kept-alive connection was checked against
   * the policy it was opened for, so tenants with different allowlists never
   * share one.
   */
  private readonly agents = new Map<EgressPolicy, Agent>();

  constructor(private readonly options: WebhookClientOptions) {}

  private agentFor(tenantId: string): Agent {
    const policy = this.options.egress.policyFor(tenantId);
    let agent = this.agents.get(policy);
    if (!agent) {
      agent = new Agent({
        connections: this.options.connectionsPerOrigin,
        pipelining: 1,
        keepAliveTimeout: this.options.keepAliveTimeoutMs ?? 10_000,
        connect: guardedConnector(policy, { timeout: this.options.connectTimeoutMs ?? 10_000 }),
      });
      this.agents.set(policy, agent);
    }
    return agent;
  }

  async post(request: WebhookPost): Promise<PostResult> {
    const url = parseTarget(request.url);
    if (typeof url === 'string') return { kind: 'failure', failure: 'invalid_url', message: url };
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), request.timeoutMs);
    try {
      // Our trace ids are none of the receiver's business: no traceparent, no client span of the instrumentation.
      const response = await withoutTracePropagation(() =>
        this.agentFor(request.tenantId).request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          headers: request.headers,
          body: request.body,
          signal: deadline.signal,
        }),
      );
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
    await Promise.all([...this.agents.values()].map((agent) => agent.destroy()));
    this.agents.clear();
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
  if (error.code === EGRESS_BLOCKED) return { kind: 'failure', failure: 'ssrf_blocked', message: DESTINATION_NOT_ALLOWED, detail: `blocked before connecting: ${error.message}` };
  if (timedOut || error.name === 'TimeoutError' || TIMEOUT_CODES.has(error.code ?? '')) {
    return { kind: 'failure', failure: 'timeout', message: `no complete response within ${timeoutMs} ms` };
  }
  // The error's text may name the address a hostname resolved to: only its code goes to the tenant.
  const detail = [error.code, error.message].filter(Boolean).join(': ') || String(err);
  return { kind: 'failure', failure: 'network', message: error.code ? `network error: ${error.code}` : 'network error', detail };
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
