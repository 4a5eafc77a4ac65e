import { Inject, Injectable } from '@nestjs/common';
import { CanonicalEvent, decodeMessage, ReflowRequest, Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { deliveryJobsFor, MatchOptions, SizedJob, sortBySize } from '@hookstream/matching-domain';
import { BatchScope, ConsumedMessage, ConsumerHost, FetchPacing, KafkaConnection } from '@hookstream/messaging';
import { Metrics, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { MATCHING_SETTINGS, MatchingSettings } from './matching-settings';
import { WorkflowIndexCheck } from './workflow-index.check';
import { WorkflowIndexLoader } from './workflow-index.loader';

interface MatchRequest {
  event: CanonicalEvent;
  options: MatchOptions;
  /** Where it was read, for the dead letter of a job that cannot be published. */
  origin: ConsumedMessage<unknown>;
  scope: BatchScope;
}

/**
 * Jobs encoded and in flight at once, at most (one job past it still goes):
 * a fan-out of many actions times a big event is published in rounds of
 * this size, so its encoded copies never fill the heap.
 */
const PUBLISH_ROUND_BYTES = 16 * 1024 * 1024;

/** A job of a publishing round, with the trace of the message it was matched for. */
type RoundJob = SizedJob & Pick<ConsumedMessage<unknown>, 'trace'>;

/**
 * Canonical events and reflow requests in, delivery jobs out: a batch's jobs
 * are produced (acks=all) before the batch is committed. Consumption starts
 * only once the index has caught up and agrees with workflow-config, so no
 * event meets a half-loaded index, or an empty one from a lost config topic.
 */
@Injectable()
export class EventMatcherConsumer {
  private readonly jobsCounter;
  private readonly oversizedCounter;
  private readonly matchSeconds;

  constructor(
    private readonly kafka: KafkaConnection,
    host: ConsumerHost,
    private readonly loader: WorkflowIndexLoader,
    indexCheck: WorkflowIndexCheck,
    @Inject(MATCHING_SETTINGS) private readonly settings: MatchingSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.jobsCounter = metrics.counter('matcher_jobs_total', 'Delivery jobs produced', ['kind']);
    this.oversizedCounter = metrics.counter('matcher_jobs_dead_lettered_total', 'Delivery jobs too large for one Kafka message, dead-lettered', ['kind']);
    this.matchSeconds = metrics.histogram('matcher_match_batch_seconds', 'Time to match one batch of events', [], [0.0001, 0.001, 0.01, 0.1, 1]);
    // Not before the index has caught up and agreed: no event may meet a half-loaded or lost index.
    const indexLoaded = () => indexCheck.matchable();
    host.add<CanonicalEvent>({
      groupId: settings.groupId,
      topics: [Topics.events],
      decode: (m) => decodeMessage(Topics.events, m.value),
      beforeStart: indexLoaded,
      // Every partition of a fetch at once: their job publishes share one request.
      partitionsConsumedConcurrently: Topics.events.partitions,
      ...FetchPacing.pipelineStage,
      handle: (messages, scope) => this.publishJobs(messages.map((m) => ({ event: m.value, options: {}, origin: m, scope })), 'live'),
    });
    host.add<ReflowRequest>({
      groupId: `${settings.groupId}-reflow`,
      topics: [Topics.reflowRequests],
      decode: (m) => decodeMessage(Topics.reflowRequests, m.value),
      beforeStart: indexLoaded,
      handle: (messages, scope) => this.reflow(messages, scope),
    });
  }

  /**
   * Stored or synthetic (test) events matched again against the current
   * index, in the event's own tenant, optionally only for the workflows named.
   */
  private async reflow(messages: ConsumedMessage<ReflowRequest>[], scope: BatchScope): Promise<void> {
    const requests: MatchRequest[] = [];
    for (const m of messages) {
      const { event, tenant_id, workflow_ids } = m.value;
      if (tenant_id !== event.tenant_id) scope.reject(m, `tenant_id ${tenant_id} is not the event's tenant ${event.tenant_id}`);
      else requests.push({ event, options: { workflowIds: workflow_ids }, origin: m, scope });
    }
    await this.publishJobs(requests, 'reflow');
  }

  /**
   * A job too large for one Kafka message would be refused by the broker
   * on every retry and stall its partition: it is dead-lettered instead,
   * and the event's other jobs go.
   */
  private async publishJobs(requests: MatchRequest[], kind: 'live' | 'reflow'): Promise<void> {
    const now = new Date();
    let oversizedJobs = 0;
    let round: RoundJob[] = [];
    let roundBytes = 0;
    let published = 0;
    // The match step alone, summed over the batch: publishing rounds are not matching.
    let matchingMs = 0;
    for (const { event, options, origin, scope } of requests) {
      const started = performance.now();
      const matched = this.loader.index.match(event, options);
      matchingMs += performance.now() - started;
      if (matched.length === 0) continue;
      const eventJson = JSON.stringify(event);
      const { fitting, oversized } = sortBySize(deliveryJobsFor(event, matched, { now, reflow: kind === 'reflow' }), Buffer.byteLength(eventJson), this.settings.maxJobBytes);
      for (const sized of oversized) this.rejectOversized(sized, origin, scope);
      oversizedJobs += oversized.length;
      for (const sized of fitting) {
        if (roundBytes + sized.bytes > PUBLISH_ROUND_BYTES && round.length > 0) {
          published += await this.publishRound(round);
          round = [];
          roundBytes = 0;
        }
        round.push({ ...sized, trace: origin.trace });
        roundBytes += sized.bytes;
      }
    }
    this.matchSeconds.observe(matchingMs / 1000);
    published += await this.publishRound(round);
    this.jobsCounter.inc({ kind }, published);
    this.oversizedCounter.inc({ kind }, oversizedJobs);
  }

  /** The publisher splits a round too big for one request. */
  private async publishRound(round: readonly RoundJob[]): Promise<number> {
    await this.kafka.publisher.publish(Topics.deliveryJobs, round.map(({ job, trace }) => ({ value: job, trace })));
    return round.length;
  }

  /** The message the event came in (original bytes) with why, and which of its jobs it was. */
  private rejectOversized({ job, bytes }: SizedJob, origin: ConsumedMessage<unknown>, scope: BatchScope): void {
    const reason = `delivery job too large for one Kafka message: ${bytes} bytes, at most ${this.settings.maxJobBytes} (the event with this action's headers)`;
    this.logger.error({ eventId: job.event.id, workflowId: job.workflow_id, actionId: job.action.id, bytes }, 'delivery job too large: dead-lettered');
    scope.reject(origin, reason, { 'dead-letter-event-id': job.event.id, 'dead-letter-workflow-id': job.workflow_id, 'dead-letter-action-id': job.action.id });
  }
}
