import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DeliverableWorkflowsAnswer, WorkflowConfigApi } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { IndexAgreement, IndexVerdict } from '@hookstream/matching-domain';
import { InternalApiClient, Metrics, ReadinessRegistry, SERVICE_LOGGER, ServiceCredentials } from '@hookstream/service-runtime';
import { IndexCheckSettings, MATCHING_SETTINGS, MatchingSettings } from './matching-settings';
import { WorkflowIndexLoader } from './workflow-index.loader';

const CALL_TIMEOUT_MS = 5_000;
/** While the index disagrees (or workflow-config does not answer), it is compared again this soon: a lag clears in a moment. */
const RECHECK_MS = 2_000;

/**
 * Compares the index with what workflow-config says it should hold (the
 * count and fingerprint of its deliverable workflows). The index is built
 * from the config topic alone: when that topic is lost, the index loads
 * empty while every workflow still shows as active. Then the matcher is
 * not ready, and matches no event, until the two agree (see IndexAgreement).
 */
@Injectable()
export class WorkflowIndexCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly check: { settings: IndexCheckSettings; agreement: IndexAgreement; workflowConfig: InternalApiClient } | undefined;
  private readonly matching: Promise<void>;
  private startMatching!: () => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastReady: boolean | undefined;
  private failing = false;
  private readonly comparisons;
  private readonly missing;

  constructor(
    private readonly loader: WorkflowIndexLoader,
    @Inject(MATCHING_SETTINGS) settings: MatchingSettings,
    private readonly readiness: ReadinessRegistry,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
    credentials: ServiceCredentials,
  ) {
    this.matching = new Promise((resolve) => (this.startMatching = resolve));
    const indexCheck = settings.indexCheck;
    this.check = indexCheck && {
      settings: indexCheck,
      agreement: new IndexAgreement(indexCheck.graceMs),
      workflowConfig: new InternalApiClient(indexCheck.workflowConfigUrl, credentials, { timeoutMs: CALL_TIMEOUT_MS, connections: 1 }),
    };
    this.comparisons = metrics.counter('matcher_index_checks_total', 'Comparisons of the workflow index with workflow-config', ['outcome']);
    this.missing = metrics.gauge(
      'matcher_index_workflows_missing',
      "Deliverable workflows workflow-config has beyond the index's count at the last comparison (negative: the index holds more)",
    );
    metrics.gauge('matcher_index_disagreement_seconds', 'How long the index has disagreed with workflow-config without a break (0: it agrees)', [], () =>
      this.check ? this.check.agreement.disagreementMs(Date.now()) / 1000 : 0,
    );
  }

  /** Resolves once events may be matched: the index has loaded and, if checked, agreed with workflow-config (IndexAgreement.mayMatch). */
  async matchable(): Promise<void> {
    await this.loader.caughtUp;
    if (this.check) await this.matching;
  }

  onApplicationBootstrap(): void {
    const check = this.check;
    if (!check) return;
    this.readiness.register('workflow-index-agreement', async () => {
      const verdict = check.agreement.verdict(Date.now());
      if (!verdict.ready) throw new Error(verdict.reason);
    });
    // Compared only once loaded: a half-loaded index disagrees, and would start the grace early.
    void this.loader.caughtUp.then(() => this.schedule(0));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.check?.workflowConfig.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.compare().finally(() => (this.running = undefined));
    }, delayMs);
    this.timer.unref();
  }

  private async compare(): Promise<void> {
    const check = this.check;
    if (!check) return;
    const { agreement, settings } = check;
    try {
      const expected = await this.expected(check.workflowConfig);
      const indexed = this.loader.index.summary(expected.unpublished);
      agreement.record({ expected, indexed }, Date.now());
      this.missing.set(agreement.missing);
      this.comparisons.inc({ outcome: agreement.agreeing ? 'agrees' : 'differs' });
      this.failing = false;
    } catch (err) {
      this.comparisons.inc({ outcome: 'failed' });
      // Once per outage: it is asked again every few seconds meanwhile.
      if (!this.failing) this.logger.warn({ err }, 'could not compare the workflow index with workflow-config; asking again');
      this.failing = true;
    }
    this.logVerdict(agreement.verdict(Date.now()));
    if (agreement.mayMatch(Date.now())) this.startMatching();
    this.schedule(agreement.agreeing ? settings.everyMs : Math.min(settings.everyMs, RECHECK_MS));
  }

  /** When the verdict changes: a change on its way within the grace is not worth a line. */
  private logVerdict(verdict: IndexVerdict): void {
    if (verdict.ready === this.lastReady) return;
    this.lastReady = verdict.ready;
    const { index } = this.loader;
    if (verdict.ready) this.logger.info({ workflows: index.size, fingerprint: index.fingerprint() }, 'workflow index agrees with workflow-config');
    else this.logger.warn({ reason: verdict.reason }, 'not ready: the workflow index is not vouched for by workflow-config');
  }

  private async expected(workflowConfig: InternalApiClient): Promise<DeliverableWorkflowsAnswer> {
    const path = WorkflowConfigApi.deliverableWorkflows.path();
    const res = await workflowConfig.request('GET', path);
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    return DeliverableWorkflowsAnswer.parse(res.body);
  }
}
