import { Inject, Injectable, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { CanonicalEvent, StoredEventPage } from '@hookstream/contracts';
import { UpstreamError } from '@hookstream/gateway-http';
import type { Logger } from '@hookstream/logging';
import type { Clock } from '@hookstream/messaging';
import { Metrics, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { REFLOW_PAGE } from './event-reflow.service';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings, REFLOW_CLOCK, REFLOW_IO } from './gateway-events-settings';
import { ReflowPacer } from './reflow-pacer';
import { afterPageFailure, asyncPageSize, withError } from './reflow-plan';
import { ReflowError, ReflowProgress, ReflowRepository, ReflowRow } from './reflow.repository';

/** What a reflow reads and publishes through (EventReflowService). */
export interface ReflowIo {
  subjectPage(tenantId: string, subjectId: string, cursor: string | null, limit: number): Promise<StoredEventPage | undefined>;
  publish(tenantId: string, events: readonly CanonicalEvent[], workflowIds?: readonly string[]): Promise<number>;
}

const DEFAULT_LEASE_SECONDS = 60;
const DEFAULT_POLL_MS = 5000;
/** Finished reflows stay readable this long. */
export const REFLOW_RETENTION_DAYS = 7;
const PURGE_EVERY_POLLS = 720;

type Phase = 'read' | 'publish';

/**
 * Runs asynchronous reflows in the background of every gateway: up to
 * `concurrency` at a time, each subject a page at a time, newest event
 * first, all of them paced by one token bucket. A reflow's progress is in
 * Postgres after every page, under a lease: a gateway that stops cleanly
 * hands its reflows back (queued), one that dies leaves its lease to run
 * out; either way another gateway (or this one, restarted) resumes where the
 * last page was recorded. A page published but not yet recorded is
 * published again: reflow is at least once, as delivery is.
 */
@Injectable()
export class ReflowRunner implements OnApplicationBootstrap, OnModuleDestroy {
  readonly runnerId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly running = new Set<Promise<void>>();
  private readonly waits = new Set<() => void>();
  private readonly pacer: ReflowPacer;
  private readonly pageSize: number;
  private readonly leaseSeconds: number;
  private claiming: Promise<void> | undefined;
  private claimAgain = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private polls = 0;
  private stopped = false;
  private readonly published;
  private readonly finished;

  constructor(
    private readonly reflows: ReflowRepository,
    @Inject(REFLOW_IO) private readonly io: ReflowIo,
    @Inject(REFLOW_CLOCK) private readonly clock: Clock,
    @Inject(GATEWAY_EVENTS_SETTINGS) private readonly settings: GatewayEventsSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    const { eventsPerSecond } = settings.reflow;
    this.pageSize = asyncPageSize(REFLOW_PAGE, eventsPerSecond);
    this.pacer = new ReflowPacer({ perSecond: eventsPerSecond, burst: this.pageSize }, () => clock.now());
    this.leaseSeconds = settings.reflow.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    this.published = metrics.counter('reflow_events_published_total', 'Events published again by asynchronous reflows');
    this.finished = metrics.counter('reflows_finished_total', 'Asynchronous reflows finished, by status', ['status']);
  }

  /** Resumes at once what a stopped gateway left, then polls. */
  onApplicationBootstrap(): void {
    void this.claim();
    this.poll();
  }

  /** Hands back what runs here once its current page is done, before Kafka and Postgres close. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.clock.clearTimeout(this.pollTimer);
    for (const wake of this.waits) wake();
    await this.claiming;
    await this.idle();
  }

  /** Takes queued reflows while a slot is free: called when one is queued here, when one ends, and on every poll. */
  claim(): Promise<void> {
    if (this.claiming) {
      this.claimAgain = true;
      return this.claiming;
    }
    this.claiming = this.fillSlots()
      .catch((err: unknown) => this.logger.warn({ err }, 'could not claim a reflow; the next poll tries again'))
      .finally(() => {
        this.claiming = undefined;
        if (this.claimAgain && !this.stopped) {
          this.claimAgain = false;
          void this.claim();
        }
      });
    return this.claiming;
  }

  /** Resolves when no reflow runs here. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private async fillSlots(): Promise<void> {
    while (!this.stopped && this.running.size < this.settings.reflow.concurrency) {
      const row = await this.reflows.claim(this.runnerId, this.leaseSeconds);
      if (!row) return;
      this.logger.info({ reflowId: row.id, tenantId: row.tenant_id, subjects: row.subjects.length, resumedAt: row.subjects_done }, 'reflow started');
      const run: Promise<void> = this.run(row)
        .catch((err: unknown) => this.logger.warn({ err, reflowId: row.id }, 'reflow stopped; its lease runs out and a gateway resumes it'))
        .finally(() => {
          this.running.delete(run);
          if (!this.stopped) void this.claim();
        });
      this.running.add(run);
    }
  }

  private poll(): void {
    if (this.stopped) return;
    this.pollTimer = this.clock.setTimeout(() => {
      if (++this.polls % PURGE_EVERY_POLLS === 0) {
        this.reflows.purgeFinished(REFLOW_RETENTION_DAYS).catch((err: unknown) => this.logger.warn({ err }, 'could not purge finished reflows'));
      }
      void this.claim().finally(() => this.poll());
    }, this.settings.reflow.pollMs ?? DEFAULT_POLL_MS);
    this.pollTimer.unref?.();
  }

  private async run(row: ReflowRow): Promise<void> {
    const progress: ReflowProgress = { subjects_done: row.subjects_done, page_cursor: row.page_cursor, events_published: row.events_published, errors: row.errors };
    const workflowIds = row.workflow_ids ?? undefined;
    let failures = 0;
    while (progress.subjects_done < row.subjects.length) {
      if (this.stopped) return this.reflows.release(row.id, this.runnerId);
      const subjectId = row.subjects[progress.subjects_done].subject_id;
      let phase: Phase = 'read';
      try {
        const page = await this.io.subjectPage(row.tenant_id, subjectId, progress.page_cursor, this.pageSize);
        if (page && page.events.length > 0) {
          await this.pause(this.pacer.reserve(page.events.length));
          if (this.stopped) return this.reflows.release(row.id, this.runnerId);
          phase = 'publish';
          const sent = await this.io.publish(row.tenant_id, page.events, workflowIds);
          progress.events_published += sent;
          this.published.inc(sent);
        }
        if (page?.next_cursor) progress.page_cursor = page.next_cursor;
        else nextSubject(progress);
        failures = 0;
      } catch (err) {
        failures += 1;
        const refused = phase === 'read' && err instanceof UpstreamError && err.status < 500;
        const code: ReflowError['code'] = refused ? 'subject_refused' : phase === 'read' ? 'events_unreadable' : 'publish_failed';
        this.logger.warn({ err, reflowId: row.id, subjectId, attempt: failures, code }, 'reflow page failed');
        progress.errors = withError(progress.errors, { at: new Date(this.clock.now()).toISOString(), code, subject_id: subjectId, attempt: failures });
        const step = afterPageFailure(failures, refused);
        if (step.step === 'give_up') return this.end(row, progress, 'failed');
        if (step.step === 'skip_subject') {
          nextSubject(progress);
          failures = 0;
        } else {
          if (!(await this.reflows.saveProgress(row.id, this.runnerId, progress, this.leaseSeconds))) return;
          await this.pause(step.afterMs);
          continue;
        }
      }
      // Refused: another gateway took the reflow over after this one's lease ran out.
      if (!(await this.reflows.saveProgress(row.id, this.runnerId, progress, this.leaseSeconds))) return;
    }
    await this.end(row, progress, 'completed');
  }

  private async end(row: ReflowRow, progress: ReflowProgress, status: 'completed' | 'failed'): Promise<void> {
    if (!(await this.reflows.finish(row.id, this.runnerId, progress, status))) return;
    this.finished.inc({ status });
    this.logger.info({ reflowId: row.id, tenantId: row.tenant_id, status, published: progress.events_published }, 'reflow finished');
  }

  /** Waits, or less if the gateway stops meanwhile. */
  private pause(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        this.clock.clearTimeout(timer);
        this.waits.delete(wake);
        resolve();
      };
      const timer = this.clock.setTimeout(wake, ms);
      this.waits.add(wake);
    });
  }
}

function nextSubject(progress: ReflowProgress): void {
  progress.subjects_done += 1;
  progress.page_cursor = null;
}
