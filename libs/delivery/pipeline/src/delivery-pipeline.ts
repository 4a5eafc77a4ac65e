import { DelayTiers, Topics, TopicSpec } from '@hookstream/contracts';
import { endToEndSeconds } from '@hookstream/delivery-domain';
import { BreakerRegistry, EgressRules, WebhookClient } from '@hookstream/delivery-http';
import type { Logger } from '@hookstream/logging';
import type { ConsumerHost, KafkaConnection } from '@hookstream/messaging';
import type { Metrics } from '@hookstream/service-runtime';
import { AttemptExecutor } from './attempt-executor';
import { DeliveryDispatcher, DeliveryObserver } from './delivery-dispatcher';
import { ConcurrencyGate } from './concurrency-gate';
import { DeliverySettings, HANDOFF_MARGIN_MS } from './delivery-settings';
import { HandoffLedger } from './handoff-ledger';
import { JobConsumer } from './job.consumer';
import { RetryTierConsumer } from './retry-tier.consumer';
import { SettledHandoffsReader } from './settled-handoffs.reader';

/** Every topic delivery reads or writes; created at boot if missing. */
export const DELIVERY_TOPICS: readonly TopicSpec[] = [
  Topics.deliveryJobs,
  Topics.deliveryOutcomes,
  Topics.deliveryExhausted,
  Topics.endpointDisabled,
  Topics.deliveryHandoffs,
  ...DelayTiers,
];

/** Longest a shutdown waits for handed-off attempts to finish and publish. */
const SHUTDOWN_DRAIN_MS = 10_000;

/**
 * The delivery service's working parts, wired: the HTTP client with its
 * egress guard, one breaker per (tenant, origin), the concurrency gate with
 * its tenant shares, and the two lanes (jobs topic, delay tiers) sharing them.
 */
export class DeliveryPipeline {
  private readonly breakers: BreakerRegistry;
  private readonly client: WebhookClient;
  private readonly delivery: DeliveryDispatcher;
  private readonly settledHandoffs: SettledHandoffsReader;

  constructor(
    connection: KafkaConnection,
    private readonly host: ConsumerHost,
    settings: DeliverySettings,
    private readonly logger: Logger,
    metrics?: Metrics,
  ) {
    const exhausted = connection.topic(Topics.deliveryExhausted);
    const observe = metrics ? deliveryMetrics(metrics, (reason) => connection.countDeadLetters(exhausted, reason)) : undefined;
    this.client = new WebhookClient({
      egress: new EgressRules(settings.allowedHosts, settings.allowedHostsByTenant),
      connectionsPerOrigin: settings.concurrencyPerEndpoint,
      responseBodyCapBytes: settings.responseBodyCapBytes,
    });
    this.breakers = new BreakerRegistry(settings.breaker, (at, state) => {
      observe?.breaker(state);
      logger.warn({ tenantId: at.tenantId, endpoint: at.origin, state }, 'circuit breaker changed state');
    });
    const executor = new AttemptExecutor(
      this.client,
      this.breakers,
      { timeScale: settings.timeScale, minRetryDelayMs: settings.minRetryDelayMs, publicBaseUrl: settings.publicBaseUrl, keyRing: settings.keyRing },
      logger,
    );
    const gate = new ConcurrencyGate({ total: settings.concurrency, perOrigin: settings.concurrencyPerEndpoint, tenantShare: settings.tenantConcurrencyShare });
    // Long enough to outlive any safety copy: the longest attempt plus slack, then generous room for lateness.
    const ledger = new HandoffLedger(60_000 + HANDOFF_MARGIN_MS + 10 * 60_000);
    // Room for every slot's worth of jobs several times over, so endpoints with free slots are never starved of work.
    this.delivery = new DeliveryDispatcher(
      executor,
      gate,
      ledger,
      connection.publisher,
      logger,
      { patienceMs: settings.attemptPatienceMs, maxPending: settings.concurrency * 4, tenantShare: settings.tenantConcurrencyShare },
      observe,
    );
    const lane = { partitionsConcurrency: settings.partitionsConcurrency, sessionTimeoutMs: settings.sessionTimeoutMs, fetchBytesPerPartition: settings.fetchBytesPerPartition };
    new JobConsumer(host, this.delivery, { ...lane, groupId: settings.groupId });
    new RetryTierConsumer(connection, host, this.delivery, ledger, { ...lane, groupId: `${settings.groupId}.retry` }, () => observe?.copyDropped());
    this.settledHandoffs = new SettledHandoffsReader(connection, host, ledger, settings.groupId, settings.sessionTimeoutMs);
  }

  /** Stop taking work (the host stops the consumers, once), let handed-off attempts publish, then release the client and breakers. */
  async stop(): Promise<void> {
    await this.host.stop();
    if (this.delivery.inBackground > 0) this.logger.info({ attempts: this.delivery.inBackground }, 'waiting for handed-off attempts');
    await this.delivery.drain(SHUTDOWN_DRAIN_MS);
    this.settledHandoffs.stop();
    this.breakers.shutdown();
    await this.client.close();
  }
}

/** Buckets of the end-to-end latency: 5 ms to 60 s. */
const END_TO_END_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** `exhausted` counts a job dead-lettered, by the last attempt's error kind (or dead_end), in the messaging lib's dead-letter family. */
function deliveryMetrics(metrics: Metrics, exhausted: (reason: string) => void): DeliveryObserver & { breaker(state: string): void; copyDropped(): void } {
  const attempts = metrics.counter('delivery_attempts_total', 'Delivery attempts by result', ['result']);
  const duration = metrics.histogram('delivery_attempt_duration_seconds', 'Duration of attempts that reached the network', [], [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
  const handoffs = metrics.counter('delivery_handoffs_total', 'Attempts still running when their batch stopped waiting');
  const deferrals = metrics.counter('delivery_deferrals_total', 'Jobs put back on a delay tier unattempted: endpoint_stuck, or tenant_share (its tenant held its share)', ['reason']);
  const breakers = metrics.counter('delivery_breaker_transitions_total', 'Circuit breaker state changes', ['state']);
  const copies = metrics.counter('delivery_handoff_copies_dropped_total', 'Safety copies dropped because their attempt had settled');
  const deadEnds = metrics.counter('delivery_dead_ends_total', 'Jobs dead-lettered because what follows them could not be built or sent');
  const endToEnd = metrics.histogram('delivery_end_to_end_seconds', 'From the event entering the platform (its received_at) to the receiver\'s 2xx, retries included; live deliveries only', [], END_TO_END_BUCKETS);
  return {
    attempted(record) {
      const result = record.verdict.succeeded ? 'succeeded' : (record.verdict.errorKind ?? 'failed');
      attempts.inc({ result });
      if (record.result.kind === 'response' || record.result.failure === 'timeout' || record.result.failure === 'network') duration.observe(record.durationMs / 1000);
      const seconds = endToEndSeconds(record);
      if (seconds !== undefined) endToEnd.observe(seconds);
      if (record.next.kind === 'give_up') exhausted(record.verdict.errorKind ?? 'failed');
    },
    handedOff: () => handoffs.inc(),
    deferred: (_job, reason) => deferrals.inc({ reason }),
    deadEnded: () => {
      deadEnds.inc();
      exhausted('dead_end');
    },
    breaker: (state) => breakers.inc({ state }),
    copyDropped: () => copies.inc(),
  };
}
