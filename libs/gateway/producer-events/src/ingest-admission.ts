import type { Counter } from 'prom-client';
import { RateLimitedError } from '@hookstream/gateway-http';
import type { Metrics } from '@hookstream/service-runtime';
import type { IngestRateLimiter } from './ingest-rate-limit';

/** What a request costs: one token per event, a batch its length (anything else is one request, which event-ingest will refuse). */
export function eventCount(body: unknown): number {
  return Array.isArray(body) ? Math.max(1, body.length) : 1;
}

/** The way in for a tenant's events over HTTP: within its rate, or 429 rate_limit_exceeded with Retry-After. */
export class IngestAdmission {
  private readonly refused: Counter<'route'>;

  constructor(
    /** null: no limit (INGEST_RATE_LIMIT_PER_SECOND=0). */
    private readonly limiter: IngestRateLimiter | null,
    metrics: Metrics,
  ) {
    this.refused = metrics.counter('hookstream_gateway_ingest_rate_limited_total', 'HTTP ingest requests refused with 429: their tenant was over its rate in this gateway process', ['route']);
  }

  /** Throws RateLimitedError when the tenant is over its rate. */
  admit(tenantId: string, route: 'events' | 'batch', body: unknown): void {
    const admission = this.limiter?.admit(tenantId, eventCount(body));
    if (!admission || admission.admitted) return;
    this.refused.inc({ route });
    throw new RateLimitedError(admission.retryAfterSeconds);
  }
}
