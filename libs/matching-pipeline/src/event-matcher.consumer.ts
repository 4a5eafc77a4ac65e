import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CanonicalEvent, Contracts, ReflowRequest, Topics } from '@hookstream/contracts';
import { deliveryJobsFor } from '@hookstream/matching-domain';
import { KafkaConnection } from '@hookstream/messaging';
import { Metrics } from '@hookstream/service-runtime';
import { MATCHING_SETTINGS, MatchingSettings } from './matching-settings';
import { WorkflowIndexLoader } from './workflow-index.loader';

/**
 * Canonical events and reflow requests in, delivery jobs out: a batch's jobs
 * are produced in one send, before the batch is committed. Consumption starts
 * only once the index has caught up, so no event meets a half-loaded index.
 */
@Injectable()
export class EventMatcherConsumer implements OnApplicationBootstrap {
  private readonly jobsCounter;
  private readonly matchSeconds;

  constructor(
    private readonly kafka: KafkaConnection,
    private readonly loader: WorkflowIndexLoader,
    @Inject(MATCHING_SETTINGS) private readonly settings: MatchingSettings,
    metrics: Metrics,
  ) {
    this.jobsCounter = metrics.counter('matcher_jobs_total', 'Delivery jobs produced', ['kind']);
    this.matchSeconds = metrics.histogram('matcher_match_batch_seconds', 'Time to match one batch of events', [], [0.0001, 0.001, 0.01, 0.1, 1]);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Not awaited: Nest would otherwise hold the HTTP server (and readiness) until the index loads.
    void this.loader.caughtUp.then(() => this.startConsumers());
  }

  private async startConsumers(): Promise<void> {
    await this.kafka
      .consumer<CanonicalEvent>({
        groupId: this.settings.groupId,
        topics: [Topics.events],
        contract: Contracts.events,
        deadLetter: Topics.matcherDeadLetter,
        partitionsConsumedConcurrently: 3,
        handle: async (messages) => this.publishJobs(messages.map((m) => ({ event: m.value })), 'live'),
      })
      .start();
    await this.kafka
      .consumer<ReflowRequest>({
        groupId: `${this.settings.groupId}-reflow`,
        topics: [Topics.reflowRequests],
        contract: Contracts.reflowRequests,
        deadLetter: Topics.matcherDeadLetter,
        handle: async (messages) =>
          this.publishJobs(
            messages.map((m) => ({ event: m.value.event, onlyWorkflowIds: m.value.workflow_ids ? new Set(m.value.workflow_ids) : undefined })),
            'reflow',
          ),
      })
      .start();
  }

  private async publishJobs(requests: { event: CanonicalEvent; onlyWorkflowIds?: ReadonlySet<string> }[], kind: 'live' | 'reflow'): Promise<void> {
    const stop = this.matchSeconds.startTimer();
    const now = new Date();
    const jobs = requests.flatMap(({ event, onlyWorkflowIds }) =>
      deliveryJobsFor(event, this.loader.index.match(event, onlyWorkflowIds), { now, reflow: kind === 'reflow' }),
    );
    stop();
    await this.kafka.publisher.publish(
      Contracts.deliveryJobs,
      jobs.map((job) => ({ key: job.action.id, value: job })),
    );
    this.jobsCounter.inc({ kind }, jobs.length);
  }
}
