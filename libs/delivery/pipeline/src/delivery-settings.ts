import type { BreakerSettings } from '@hookstream/delivery-http';
import type { KeyRing } from '@hookstream/secrets';

/** Everything the delivery pipeline is tuned by; apps/delivery/src/config.ts fills it from the env. */
export interface DeliverySettings {
  /** Consumer group of the jobs topic; the retry tiers use `${groupId}.retry`. */
  groupId: string;
  /** RETRY_TIME_SCALE: multiplies every retry delay (tests and demos shrink it). */
  timeScale: number;
  /** Base URL of the public API, for the links inside Checkout-format bodies. */
  publicBaseUrl: string;
  /** DELIVERY_ALLOWED_HOSTS: hostnames, IPs and CIDRs exempt from the SSRF block, for every tenant. */
  allowedHosts: string[];
  /** DELIVERY_ALLOWED_HOSTS_BY_TENANT: more entries, each for one tenant only. */
  allowedHostsByTenant: ReadonlyMap<string, readonly string[]>;
  /** Attempts in flight at once, in all. */
  concurrency: number;
  /** Attempts in flight at once to one endpoint origin, for all tenants (also its keep-alive pool size): what its receiver sees. */
  concurrencyPerEndpoint: number;
  /**
   * DELIVERY_TENANT_CONCURRENCY_SHARE: the part of the foreground slots, of
   * the background (handed-off) slots and of the pending jobs one tenant may
   * hold (0 < share ≤ 1).
   */
  tenantConcurrencyShare: number;
  /** DELIVERY_MIN_RETRY_DELAY_MS: no retry waits less, whatever its schedule says (before RETRY_TIME_SCALE). */
  minRetryDelayMs: number;
  /** How long an attempt runs before it is handed off (a safety copy makes its job durable). */
  attemptPatienceMs: number;
  /** Bytes of each response body kept in the outcome. */
  responseBodyCapBytes: number;
  /** Kafka partitions processed at once, per consumer. */
  partitionsConcurrency: number;
  /** Most bytes of one partition per fetch (jobs and delay tiers). */
  fetchBytesPerPartition: number;
  sessionTimeoutMs: number;
  breaker: BreakerSettings;
  /** HOOKSTREAM_ENCRYPTION_KEYS: opens a job's secrets when its request is signed and sent. */
  keyRing: KeyRing;
}

/** Slack after a handed-off attempt's deadline before its safety copy is due. */
export const HANDOFF_MARGIN_MS = 2_000;
/** The shortest deferral of a job (its endpoint stuck, or its tenant past its share), and the spacing of a tenant's turned-away jobs (see TenantShares). */
export const DEFERRAL_DELAY_MS = 1_000;
/** Tenants share the dispatcher only while another tenant's job came this recently (see TenantShares). */
export const CONTENTION_WINDOW_MS = 10_000;
/** Headers on delay-tier messages. */
export const TierHeaders = {
  /** `${invocation_id}#${attempt}` of an attempt still running in the process that handed it off. */
  handoff: 'delivery-handoff',
  /** Why the job is in a tier: retry, handoff, deferred, scheduled. */
  reason: 'delivery-tier-reason',
} as const;
