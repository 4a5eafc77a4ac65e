import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CanonicalEvent, Contracts, ReflowRequest, Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { deliveryJobsFor, MatchOptions, SizedJob, sortBySize } from '@hookstream/matching-domain';
import { BatchConsumer, FetchPacing, ConsumedMessage, deadLetterMessage, EncodedMessage, KafkaConnection } from '@hookstream/messaging';
import { Metrics, ReadinessRegistry, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { MATCHING_SETTINGS, MatchingSettings } from './matching-settings';
import { WorkflowIndexLoader } from './workflow-index.loader';

interface MatchRequest {
  event: CanonicalEvent;
  options: MatchOptions;
  /** Where it was read, for the dead letter of a job that cannot be published. */
  origin: ConsumedMessage<unknown>;
}

/**
 * Jobs encoded and in flight at once, at most (one job past it still goes):
 * a fan-out of many actions times a big event is published in rounds of
 * this size, so its encoded copies never fill the heap.
 */
const PUBLISH_ROUND_BYTES = 16 * 1024 * 1024;

/**
 * Canonical events and reflow requests in, delivery jobs out: a batch's jobs
 * are produced (acks=all) before the batch is committed. Consumption starts
 * only once the index has caught up, so no event meets a half-loaded index.
 */
@Injectable()
export class EventMatcherConsumer implements OnApplicationBootstrap {
  private readonly consumers: BatchConsumer<unknown>[] = [];
  private startError: Error | undefined;
  private joined = false;
  private readonly jobsCounter;
  private readonly oversizedCounter;
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
    this.oversizedCounter = metrics.counter('matcher_jobs_dead_lettered_total', 'Delivery jobs too large for one Kafka message, dead-lettered', ['kind']);
    this.matchSeconds = metrics.histogram('matcher_match_batch_seconds', 'Time to match one batch of events', [], [0.0001, 0.001, 0.01, 0.1, 1]);
  }

  onApplicationBootstrap(): void {
    this.readiness.register('event-consumers', async () => {
      const error = this.startError ?? this.consumers.map((c) => c.healthError()).find(Boolean);
      if (error) throw error;
      // Until then, events published now would be read by nobody, or from "latest" by a new group and lost.
      if (!this.joined) throw new Error('event consumers have not joined their groups yet');
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
      handle: (messages) => this.publishJobs(messages.map((m) => ({ event: m.value, options: {}, origin: m })), 'live'),
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
    await Promise.all([live.whenJoined(), reflow.whenJoined()]);
    this.joined = true;
    this.logger.info('event consumers joined their groups');
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
      requests.push({ event, options: { workflowIds: workflow_ids }, origin: m });
    }
    await this.kafka.publisher.publishEncoded(Topics.matcherDeadLetter, rejected);
    await this.publishJobs(requests, 'reflow');
  }

  /**
   * A job too large for one Kafka message would be refused by the broker
   * on every retry and stall its partition: it is dead-lettered instead,
   * and the event's other jobs go.
   */
  private async publishJobs(requests: MatchRequest[], kind: 'live' | 'reflow'): Promise<void> {
    const now = new Date();
    const letters: EncodedMessage[] = [];
    let round: SizedJob[] = [];
    let roundBytes = 0;
    let published = 0;
    // The match step alone, summed over the batch: publishing rounds are not matching.
    let matchingMs = 0;
    for (const { event, options, origin } of requests) {
      const started = performance.now();
      const matched = this.loader.index.match(event, options);
      matchingMs += performance.now() - started;
      if (matched.length === 0) continue;
      const eventJson = JSON.stringify(event);
      const { fitting, oversized } = sortBySize(deliveryJobsFor(event, matched, { now, reflow: kind === 'reflow' }), Buffer.byteLength(eventJson), this.settings.maxJobBytes);
      for (const sized of oversized) letters.push(this.oversizedLetter(sized, origin, eventJson));
      for (const sized of fitting) {
        if (roundBytes + sized.bytes > PUBLISH_ROUND_BYTES && round.length > 0) {
          published += await this.publishRound(round);
          round = [];
          roundBytes = 0;
        }
        round.push(sized);
        roundBytes += sized.bytes;
      }
    }
    this.matchSeconds.observe(matchingMs / 1000);
    published += await this.publishRound(round);
    await this.kafka.publisher.publishEncoded(Topics.matcherDeadLetter, letters);
    this.jobsCounter.inc({ kind }, published);
    this.oversizedCounter.inc({ kind }, letters.length);
  }

  /** The publisher splits a round too big for one request. */
  private async publishRound(round: readonly SizedJob[]): Promise<number> {
    await this.kafka.publisher.publish(Contracts.deliveryJobs, round.map(({ job }) => ({ key: job.action.id, value: job })));
    return round.length;
  }

  /** The event (re-encoded: its decoded value is what we hold) with why, and which job it was. */
  private oversizedLetter({ job, bytes }: SizedJob, origin: ConsumedMessage<unknown>, eventJson: string): EncodedMessage {
    const reason = `delivery job too large for one Kafka message: ${bytes} bytes, at most ${this.settings.maxJobBytes} (the event with this action's headers)`;
    this.logger.error({ eventId: job.event.id, workflowId: job.workflow_id, actionId: job.action.id, bytes }, 'delivery job too large: dead-lettered');
    const letter = deadLetterMessage({ ...origin, value: Buffer.from(eventJson), key: job.event.subject_id }, reason);
    return {
      ...letter,
      headers: { ...letter.headers, 'dead-letter-event-id': job.event.id, 'dead-letter-workflow-id': job.workflow_id, 'dead-letter-action-id': job.action.id },
    };
  }
}
