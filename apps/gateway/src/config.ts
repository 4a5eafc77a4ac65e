import { z } from 'zod';
import { CommonEnv, KafkaEnv, DatabaseEnv, databaseUrl, InternalApiEnv, loadConfigOrExit, port, secret, unsetIfEmpty } from '@hookstream/config';
import type { IngestRatePolicy } from '@hookstream/gateway-producer-events';

const optional = z.preprocess(unsetIfEmpty, z.string().min(1).optional());
// The guard only looks up keys that start with sk_: any other bootstrap key could never authenticate.
const secretKey = secret(z.preprocess(unsetIfEmpty, z.string().regex(/^sk_[A-Za-z0-9_-]{16,}$/, 'must be sk_ and at least 16 letters, digits, _ or -').optional()));

export const GatewayEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend(InternalApiEnv.shape)
  .extend({
    GATEWAY_DATABASE_URL: databaseUrl,
    PORT: port(3000),
    /** Base of _links.self hrefs. */
    PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
    WORKFLOW_CONFIG_URL: z.string().url().default('http://127.0.0.1:3001'),
    EVENT_INGEST_URL: z.string().url().default('http://127.0.0.1:3002'),
    PROJECTION_URL: z.string().url().default('http://127.0.0.1:3005'),
    /** A tenant and secret key (sk_…) ensured at boot, for local use. */
    BOOTSTRAP_TENANT_ID: optional,
    BOOTSTRAP_API_KEY: secretKey,
    /** Enables POST /admin/tenants, /admin/tenants/{id}/keys and /admin/event-types (Authorization: Bearer <key>). */
    ADMIN_API_KEY: secret(z.preprocess(unsetIfEmpty, z.string().min(16, 'must have at least 16 characters').optional())),
    /** Largest request body; larger answers 413. */
    BODY_LIMIT: z.string().default('1mb'),
    /** Events each tenant may send per second over POST /events and /events/batch, in each gateway process (0: no limit); past it, 429 with Retry-After. */
    INGEST_RATE_LIMIT_PER_SECOND: z.coerce.number().min(0).max(1_000_000).default(1_000),
    /** Events a tenant may send at once before the rate holds it; a batch larger than this waits for a full allowance. */
    INGEST_RATE_LIMIT_BURST: z.coerce.number().int().positive().max(10_000_000).default(2_000),
    // Reflows (libs/gateway/events): bounded per request; by subject, run in the background and paced.
    /** Events one reflow request may publish; more answers 422 reflow_too_large. */
    REFLOW_MAX_EVENTS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
    /** Reflows by subject one gateway runs at once. */
    REFLOW_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
    /** Events one gateway publishes per second for reflows by subject, all together. */
    REFLOW_EVENTS_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(1000),
    /** Queued or running reflows one tenant may have; more answers 429 too_many_reflows. */
    REFLOW_MAX_UNFINISHED_PER_TENANT: z.coerce.number().int().min(1).max(1000).default(10),
    /** Live tails (GET /workflows/events/live) one tenant may hold open on one gateway process; more answers 429 too_many_streams. */
    LIVE_TAIL_MAX_STREAMS_PER_TENANT: z.coerce.number().int().min(1).max(1000).default(5),
  })
  .refine((c) => (c.BOOTSTRAP_TENANT_ID === undefined) === (c.BOOTSTRAP_API_KEY === undefined), {
    message: 'set both BOOTSTRAP_TENANT_ID and BOOTSTRAP_API_KEY, or neither',
    path: ['BOOTSTRAP_API_KEY'],
  });
export type GatewayConfig = z.infer<typeof GatewayEnv>;

export const loadGatewayConfig = (): GatewayConfig => loadConfigOrExit(GatewayEnv);

/** The per-tenant ingest rate limit, null when INGEST_RATE_LIMIT_PER_SECOND is 0. */
export function ingestRateLimitOf(config: GatewayConfig): IngestRatePolicy | null {
  return config.INGEST_RATE_LIMIT_PER_SECOND > 0 ? { perSecond: config.INGEST_RATE_LIMIT_PER_SECOND, burst: config.INGEST_RATE_LIMIT_BURST } : null;
}
