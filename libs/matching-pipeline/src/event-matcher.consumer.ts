import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CanonicalEvent, Contracts, DeliveryJob, ReflowRequest, Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { deliveryJobsFor, MatchOptions } from '@hookstream/matching-domain';
import { BatchConsumer, FetchPacing, ConsumedMessage, deadLetterMessage, KafkaConnection } from '@hookstream/messaging';
import { Metrics, ReadinessRegistry, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { MATCHING_SETTINGS, MatchingSettings } from './matching-settings';
import { WorkflowIndexLoader } from './workflow-index.loader';

interface MatchRequest {
  event: CanonicalEvent;
  options: MatchOptions;
}

/**
 * Canonical events and reflow requests in, delivery jobs out: a batch's jobs
 * are produced (acks=all) before the batch is committed. Consumption starts
 * only once the index has caught up, so no event meets a half-loaded index.
 */
@Injectable()
export class EventMatcherConsumer implements OnApplicationBootstrap {
  private readonly consumers: BatchConsumer<unknown>[] = [];
  private startError: Error | undefined;
  private readonly jobsCounter;
  private readonly matchSeconds;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly loader: WorkflowIndexLoader,
    private readonly readiness: ReadinessRegistry,
    @Inject(MATCHING_SETTINGS) private readonly settings: MatchingSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.jobsCounter = metrics.counter('matcher_jobs_total', 'Delivery jobs produced', ['kind']);
    this.matchSeconds = metrics.histogram('matcher_match_batch_seconds', 'Time to match one batch of events', [], [0.0001, 0.001, 0.01, 0.1, 1]);
  }

  onApplicationBootstrap(): void {
    this.readiness.register('event-consumers', async () => {
      const error = this.startError ?? this.consumers.map((c) => c.healthError()).find(Boolean);
      if (error) throw error;
    });
    // Not awaited: Nest would otherwise hold the HTTP server (and readiness) until the index loads.
    void this.loader.caughtUp
      .then(() => this.startConsumers())
      .catch((err: unknown) => {
        this.startError = err instanceof Error ? err : new Error(String(err));
        this.logger.error({ err }, 'event consumers failed to start');
      });
  }

  private async startConsumers(): Promise<void> {
    const live = this.kafka.consumer<CanonicalEvent>({
      groupId: this.settings.groupId,
      topics: [Topics.events],
      contract: Contracts.events,
      deadLetter: Topics.matcherDeadLetter,
      // Every partition of a fetch at once: their job publishes share one request.
      partitionsConsumedConcurrently: Topics.events.partitions,
      ...FetchPacing.pipelineStage,
      handle: (messages) => this.publishJobs(messages.map((m) => ({ event: m.value, options: {} })), 'live'),
    });
    const reflow = this.kafka.consumer<ReflowRequest>({
      groupId: `${this.settings.groupId}-reflow`,
      topics: [Topics.reflowRequests],
      contract: Contracts.reflowRequests,
      deadLetter: Topics.matcherDeadLetter,
      handle: (messages) => this.reflow(messages),
    });
    this.consumers.push(live as BatchConsumer<unknown>, reflow as BatchConsumer<unknown>);
    await live.start();
    await reflow.start();
  }

  /**
   * Stored or synthetic (test) events matched again against the current
   * index, in the event's own tenant, optionally only for the workflows named.
   */
  private async reflow(messages: ConsumedMessage<ReflowRequest>[]): Promise<void> {
    const requests: MatchRequest[] = [];
    const rejected: ReturnType<typeof deadLetterMessage>[] = [];
    for (const m of messages) {
      const { event, tenant_id, workflow_ids } = m.value;
      if (tenant_id !== event.tenant_id) {
        // Decoded values only: the original bytes are re-encoded (same JSON, known fields).
        rejected.push(deadLetterMessage({ ...m, value: Buffer.from(JSON.stringify(m.value)) }, `tenant_id ${tenant_id} is not the event's tenant ${event.tenant_id}`));
        continue;
      }
      requests.push({ event, options: { workflowIds: workflow_ids } });
    }
    await this.kafka.publisher.publishEncoded(Topics.matcherDeadLetter, rejected);
    await this.publishJobs(requests, 'reflow');
  }

  private async publishJobs(requests: MatchRequest[], kind: 'live' | 'reflow'): Promise<void> {
    const stop = this.matchSeconds.startTimer();
    const now = new Date();
    const jobs: DeliveryJob[] = [];
    for (const { event, options } of requests) {
      const matched = this.loader.index.match(event, options);
      if (matched.length > 0) jobs.push(...deliveryJobsFor(event, matched, { now, reflow: kind === 'reflow' }));
    }
    stop();
    // The publisher splits a fan-out too big for one request.
    await this.kafka.publisher.publish(Contracts.deliveryJobs, jobs.map((job) => ({ key: job.action.id, value: job })));
    this.jobsCounter.inc({ kind }, jobs.length);
  }
}
