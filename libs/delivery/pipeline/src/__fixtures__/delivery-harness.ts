import { DeliveryDeadLetter, DeliveryJob, DeliveryOutcome, EndpointDisabled, Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { testInfra, testLogger, TestPlatform, TopicRecorder, waitFor } from '@hookstream/testing';

/** Breakers that open after 5 attempts to an endpoint, half of them failed, and stay open for the rest of a test. */
export const QUICK_OPENING_BREAKERS = {
  BREAKER_VOLUME_THRESHOLD: '5',
  BREAKER_ERROR_PERCENTAGE: '50',
  BREAKER_RESET_TIMEOUT_MS: '600000',
  BREAKER_WINDOW_MS: '60000',
} as const;

/**
 * The delivery service running as its own process (TestPlatform), a
 * producer for its jobs topic, and recorders on everything it writes.
 */
export class DeliveryHarness {
  readonly outcomes: TopicRecorder;
  readonly deadLetters: TopicRecorder;
  readonly disabled: TopicRecorder;
  private producer: KafkaConnection | undefined;

  private constructor(readonly platform: TestPlatform) {
    this.outcomes = new TopicRecorder(platform.prefix, Topics.deliveryOutcomes);
    this.deadLetters = new TopicRecorder(platform.prefix, Topics.deliveryExhausted);
    this.disabled = new TopicRecorder(platform.prefix, Topics.endpointDisabled);
  }

  static async start(label: string, env: Record<string, string> = {}): Promise<DeliveryHarness> {
    const platform = new TestPlatform({ services: ['delivery'], label, env: { RETRY_TIME_SCALE: '0.01', DELIVERY_SESSION_TIMEOUT_MS: '6000', ...env } });
    const harness = new DeliveryHarness(platform);
    try {
      await platform.start();
      harness.producer = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'job-producer', topicPrefix: platform.prefix, logger: testLogger('job-producer') });
      await harness.producer.connect();
      await Promise.all([harness.outcomes.start(), harness.deadLetters.start(), harness.disabled.start()]);
    } catch (err) {
      await harness.stop();
      throw err;
    }
    return harness;
  }

  get delivery() {
    return this.platform.service('delivery');
  }

  /** Bytes no contract accepts, straight onto the jobs topic. */
  async publishRaw(key: string, value: string): Promise<void> {
    await this.producer?.publisher.publishEncoded(Topics.deliveryJobs, [{ key, value }]);
  }

  async publish(...jobs: DeliveryJob[]): Promise<void> {
    await this.producer?.publisher.publish(
      Topics.deliveryJobs,
      jobs.map((job) => ({ value: job })),
    );
  }

  /** Every outcome of one job's invocation, in attempt order. */
  outcomesOf(job: DeliveryJob): DeliveryOutcome[] {
    return this.outcomes
      .json<DeliveryOutcome>()
      .map((m) => m.value as DeliveryOutcome)
      .filter((o) => o.invocation_id === job.invocation_id)
      .sort((a, b) => a.attempt - b.attempt || a.timestamp.localeCompare(b.timestamp));
  }

  deadLettersOf(job: DeliveryJob): DeliveryDeadLetter[] {
    return this.deadLetters
      .json<DeliveryDeadLetter>()
      .map((m) => m.value as DeliveryDeadLetter)
      .filter((d) => d.job.invocation_id === job.invocation_id);
  }

  disabledNotices(): EndpointDisabled[] {
    return this.disabled.json<EndpointDisabled>().map((m) => m.value as EndpointDisabled);
  }

  /** Resolves with the job's outcomes once one of them is final. */
  async finalOutcome(job: DeliveryJob, timeoutMs = 30_000): Promise<DeliveryOutcome[]> {
    return waitFor(
      () => {
        const outcomes = this.outcomesOf(job);
        return outcomes.some((o) => o.final) ? outcomes : undefined;
      },
      { timeoutMs, intervalMs: 50, what: `a final outcome for ${job.invocation_id}` },
    );
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.outcomes.stop(), this.deadLetters.stop(), this.disabled.stop(), this.producer?.disconnect()]);
    await this.platform.stop();
  }
}
