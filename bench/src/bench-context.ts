import type { KafkaConnection } from '@hookstream/messaging';
import type { BenchPlatform } from './bench-platform';
import { EventProducer } from './event-producer';
import { cpuBetween, largestRss, ProcessSampler } from './process-sampler';
import type { ReceiverStats } from './receiver-api';
import type { ReceiverClient } from './receiver-client';
import type { DeliveryCheck, Figure, Phase, ScenarioResult } from './results';
import { PlatformNotFunctional } from './workflow-setup';
import { ratePerSecond, sleep } from './stats';

export interface Sizes {
  /** Sent and awaited before a max-rate measurement: consumers joined, connections open, code warm. */
  warmUpEvents: number;
  bareEvents: number;
  throughputEvents: number;
  scalingLevels: number[];
  latencyRates: number[];
  latencySeconds: number;
  fanOutEvents: number;
  isolationSeconds: number;
  /** Each round of the noisy-tenant scenario (the quiet tenants alone, or beside the noisy one). */
  noisyTenantSeconds: number;
  /** Rounds of each condition, alternating: their latencies are pooled. */
  noisyTenantRounds: number;
  /** Each of the HTTP-ingest scenario's two saturation runs (single events, batches). */
  httpSaturationSeconds: number;
  /** Scales each scenario's estimated minimum duration, for the time-budget check. */
  durationScale: number;
}

export const FULL: Sizes = {
  warmUpEvents: 2_000,
  bareEvents: 30_000,
  throughputEvents: 20_000,
  scalingLevels: [10, 1_000, 100_000],
  latencyRates: [200, 1_000],
  latencySeconds: 20,
  fanOutEvents: 2_000,
  isolationSeconds: 15,
  // 2 × 2 rounds of 10 s: more quiet samples per condition than one 15 s run of each, in about 1.4× its time (the noisy backlog drains twice).
  noisyTenantSeconds: 10,
  noisyTenantRounds: 2,
  httpSaturationSeconds: 15,
  durationScale: 1,
};

/** The full run scaled down to about a minute: the same rates, fewer events, shorter windows. */
export const QUICK: Sizes = {
  ...FULL,
  warmUpEvents: 300,
  bareEvents: 4_000,
  throughputEvents: 3_000,
  scalingLevels: [10, 1_000, 10_000],
  latencySeconds: 5,
  fanOutEvents: 300,
  isolationSeconds: 5,
  noisyTenantSeconds: 4,
  httpSaturationSeconds: 5,
  durationScale: 0.3,
};

/** What every scenario shares: the receiver, the running platform, the clock and the log. */
export class BenchContext {
  readonly results: ScenarioResult[] = [];
  readonly phases: Phase[] = [];
  platform: BenchPlatform | undefined;
  kafka: KafkaConnection | undefined;
  producer: EventProducer | undefined;
  /** Why the platform is not there, when it is not. */
  platformDown: string | undefined;
  /** Topic prefixes this run created topics and groups under, removed at its end. */
  readonly prefixes: string[] = [];
  private readonly startedAt = Date.now();

  constructor(
    readonly runId: string,
    readonly sizes: Sizes,
    readonly receiver: ReceiverClient,
    readonly sampler: ProcessSampler,
    private readonly budgetMs: number,
  ) {}

  log(tag: string, message: string): void {
    const elapsed = Math.round((Date.now() - this.startedAt) / 1000);
    const clock = `${String(Math.floor(elapsed / 60)).padStart(2, '0')}:${String(elapsed % 60).padStart(2, '0')}`;
    process.stdout.write(`[${clock}] ${tag.padEnd(4)} ${message}\n`);
  }

  remainingMs(): number {
    return this.budgetMs - (Date.now() - this.startedAt);
  }

  result(id: string): ScenarioResult | undefined {
    return this.results.find((r) => r.id === id);
  }

  /** Runs one scenario: times it, charges it CPU, and turns a missing service into "not run". */
  async scenario(
    id: string,
    title: string,
    options: { needsPlatform: boolean; minimumMs: number },
    body: (r: ScenarioResult) => Promise<void>,
  ): Promise<ScenarioResult> {
    const r: ScenarioResult = { id, title, status: 'ok', figures: [], checks: {}, cpuSeconds: {}, startedAt: Date.now(), endedAt: 0 };
    this.results.push(r);
    if (options.needsPlatform && this.platformDown) return this.skip(r, this.platformDown);
    const minimumMs = options.minimumMs * this.sizes.durationScale;
    if (this.remainingMs() < minimumMs) return this.skip(r, `time budget: ${Math.round(this.remainingMs() / 1000)} s left, needs about ${Math.round(minimumMs / 1000)} s`);
    this.log(id, `${title}`);
    const before = this.sampler.snapshot();
    const countersBefore = this.platform && !this.platformDown ? await this.platform.counters() : undefined;
    try {
      await body(r);
      const lost = Object.values(r.checks).reduce((n, c) => n + c.lost, 0);
      if (lost > 0) {
        r.status = 'failed';
        r.reason = `${lost} expected deliveries never arrived`;
        // Deliveries stopped altogether: the scenarios after this one would measure a stuck pipeline.
        if (options.needsPlatform) this.platformDown = `the pipeline stalled in scenario ${id}`;
      }
    } catch (err) {
      r.status = err instanceof PlatformNotFunctional ? 'not run' : 'failed';
      r.reason = (err as Error).message.split('\n')[0];
      this.log(id, `${r.status}: ${(err as Error).message}`);
    }
    if (r.status === 'failed' && this.platform) {
      const errors = this.platform.errorsSince(r.startedAt);
      if (errors.length > 0) {
        r.details = { ...r.details, serviceErrors: errors };
        r.reason = `${r.reason}; services logged: ${errors.join(' | ')}`;
      }
    }
    r.cpuSeconds = cpuBetween(before, this.sampler.snapshot());
    r.rssMb = largestRss(this.sampler.samples, r.startedAt);
    if (countersBefore && this.platform) {
      const after = await this.platform.counters();
      r.counters = Object.fromEntries(Object.entries(after).map(([name, value]) => [name, value - (countersBefore[name] ?? 0)]));
    }
    r.endedAt = Date.now();
    this.log(id, `${r.status}${r.reason ? ` (${r.reason})` : ''} in ${Math.round((r.endedAt - r.startedAt) / 1000)} s`);
    return r;
  }

  private skip(r: ScenarioResult, reason: string): ScenarioResult {
    r.status = 'not run';
    r.reason = reason;
    r.endedAt = Date.now();
    this.log(r.id, `not run: ${reason}`);
    return r;
  }

  figure(r: ScenarioResult, figure: Figure): void {
    r.figures.push(figure);
  }

  /**
   * Waits until `expected` distinct deliveries reached the paths under
   * `prefix`, printing the rate as they come; gives up when nothing new
   * arrives for `stallMs`. Records the check on the scenario.
   */
  async awaitDeliveries(r: ScenarioResult, label: string, prefix: string, expected: number, options: { stallMs?: number; arrivals?: boolean; latencies?: boolean } = {}): Promise<ReceiverStats> {
    const stallMs = options.stallMs ?? 30_000;
    let last = await this.receiver.count(prefix);
    let lastChange = Date.now();
    let lastPrint = Date.now();
    let printed = last.unique;
    while (last.unique < expected && Date.now() - lastChange < stallMs) {
      await sleep(250);
      const now = await this.receiver.count(prefix);
      if (now.unique !== last.unique) lastChange = Date.now();
      last = now;
      if (Date.now() - lastPrint >= 2000) {
        const rate = ratePerSecond(now.unique - printed, Date.now() - lastPrint);
        this.log(r.id, `${label}: ${now.unique.toLocaleString('en')}/${expected.toLocaleString('en')} delivered (${Math.round(rate).toLocaleString('en')}/s)`);
        printed = now.unique;
        lastPrint = Date.now();
      }
    }
    const stats = await this.receiver.stats(prefix, { arrivals: options.arrivals, latencies: options.latencies });
    const check: DeliveryCheck = { expected, delivered: stats.unique, duplicates: stats.duplicates, lost: Math.max(0, expected - stats.unique) };
    r.checks[label] = check;
    if (check.lost > 0) this.log(r.id, `${label}: LOST ${check.lost} of ${expected} (nothing new for ${stallMs / 1000} s)`);
    return stats;
  }

  phase(label: string, from: number, to: number): void {
    this.phases.push({ label, from, to });
  }
}
