import { z } from 'zod';
import { RetryScheduleBounds } from '@hookstream/contracts';
import { CommonEnv, KafkaEnv, loadConfigOrExit, port, positiveInt, positiveNumber, secret } from '@hookstream/config';
import { EgressPolicy, parseTenantAllowlists } from '@hookstream/delivery-http';
import type { DeliverySettings } from '@hookstream/delivery-pipeline';
import { EncryptionKeysEnv } from '@hookstream/secrets';

const allowlist = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .superRefine((entries, ctx) => {
    try {
      new EgressPolicy(entries);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
const tenantAllowlists = z
  .string()
  .default('')
  .transform((text, ctx) => {
    try {
      return parseTenantAllowlists(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });
const percentage = (fallback: number) => z.coerce.number().min(1).max(100).default(fallback);

export const DeliveryEnv = CommonEnv
  .extend(KafkaEnv.shape)
  // A secret: production refuses the development ring and docker-compose.yml's example.
  .extend({ HOOKSTREAM_ENCRYPTION_KEYS: secret(EncryptionKeysEnv.shape.HOOKSTREAM_ENCRYPTION_KEYS) })
  .extend({
    PORT: port(3004),
    /** Base of the public API (the gateway), for links inside Checkout-format bodies. */
    PUBLIC_BASE_URL: z.string().url().default('http://localhost:3000'),
    /** Multiplies every retry delay; tests and demos use e.g. 0.001. */
    RETRY_TIME_SCALE: positiveNumber(1),
    /** Hostnames, IPs or CIDRs exempt from the SSRF block (e.g. 127.0.0.1,localhost,::1 for local development). */
    DELIVERY_ALLOWED_HOSTS: allowlist,
    /** More entries for one tenant each: `ten_a=*.a.example,hooks.b.com;ten_b=10.0.0.0/8`. */
    DELIVERY_ALLOWED_HOSTS_BY_TENANT: tenantAllowlists,
    DELIVERY_GROUP_ID: z.string().min(1).default('delivery'),
    DELIVERY_CONCURRENCY: positiveInt(256),
    DELIVERY_CONCURRENCY_PER_ENDPOINT: positiveInt(32),
    /**
     * The part of DELIVERY_CONCURRENCY, of the background (handed-off) slots
     * and of the pending jobs one tenant may hold; 1 for one tenant alone.
     */
    DELIVERY_TENANT_CONCURRENCY_SHARE: z.coerce.number().positive().max(1).default(0.25),
    /** No retry waits less, whatever a (stored) schedule says; RETRY_TIME_SCALE applies after it. */
    DELIVERY_MIN_RETRY_DELAY_MS: z.coerce.number().int().min(0).max(RetryScheduleBounds.maxDelayMs).default(RetryScheduleBounds.minDelayMs),
    DELIVERY_ATTEMPT_PATIENCE_MS: positiveInt(250),
    DELIVERY_RESPONSE_BODY_CAP_BYTES: positiveInt(4_096),
    DELIVERY_PARTITIONS_CONCURRENCY: positiveInt(6),
    DELIVERY_FETCH_BYTES_PER_PARTITION: positiveInt(256 * 1024),
    DELIVERY_SESSION_TIMEOUT_MS: positiveInt(6_000),
    BREAKER_VOLUME_THRESHOLD: positiveInt(10),
    BREAKER_ERROR_PERCENTAGE: percentage(50),
    BREAKER_RESET_TIMEOUT_MS: positiveInt(30_000),
    BREAKER_WINDOW_MS: positiveInt(30_000),
    BREAKER_WINDOW_BUCKETS: positiveInt(10),
    BREAKER_MAX_ENDPOINTS: positiveInt(10_000),
    BREAKER_IDLE_EVICTION_MS: positiveInt(600_000),
  });
export type DeliveryConfig = z.infer<typeof DeliveryEnv>;

export const loadDeliveryConfig = (): DeliveryConfig => loadConfigOrExit(DeliveryEnv);

export function deliverySettings(config: DeliveryConfig): DeliverySettings {
  return {
    groupId: config.DELIVERY_GROUP_ID,
    timeScale: config.RETRY_TIME_SCALE,
    publicBaseUrl: config.PUBLIC_BASE_URL,
    allowedHosts: config.DELIVERY_ALLOWED_HOSTS,
    allowedHostsByTenant: config.DELIVERY_ALLOWED_HOSTS_BY_TENANT,
    concurrency: config.DELIVERY_CONCURRENCY,
    concurrencyPerEndpoint: config.DELIVERY_CONCURRENCY_PER_ENDPOINT,
    tenantConcurrencyShare: config.DELIVERY_TENANT_CONCURRENCY_SHARE,
    minRetryDelayMs: config.DELIVERY_MIN_RETRY_DELAY_MS,
    attemptPatienceMs: config.DELIVERY_ATTEMPT_PATIENCE_MS,
    responseBodyCapBytes: config.DELIVERY_RESPONSE_BODY_CAP_BYTES,
    partitionsConcurrency: config.DELIVERY_PARTITIONS_CONCURRENCY,
    fetchBytesPerPartition: config.DELIVERY_FETCH_BYTES_PER_PARTITION,
    sessionTimeoutMs: config.DELIVERY_SESSION_TIMEOUT_MS,
    breaker: {
      volumeThreshold: config.BREAKER_VOLUME_THRESHOLD,
      errorThresholdPercentage: config.BREAKER_ERROR_PERCENTAGE,
      resetTimeoutMs: config.BREAKER_RESET_TIMEOUT_MS,
      rollingWindowMs: config.BREAKER_WINDOW_MS,
      rollingBuckets: config.BREAKER_WINDOW_BUCKETS,
      maxBreakers: config.BREAKER_MAX_ENDPOINTS,
      idleEvictionMs: config.BREAKER_IDLE_EVICTION_MS,
    },
    keyRing: config.HOOKSTREAM_ENCRYPTION_KEYS,
  };
}
