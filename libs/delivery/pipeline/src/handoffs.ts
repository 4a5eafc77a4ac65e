import { DeliveryJob, Topics } from '@hookstream/contracts';
import type { AttemptRecord } from '@hookstream/delivery-domain';
import type { TenantOrigin } from '@hookstream/delivery-http';
import type { Logger } from '@hookstream/logging';
import { inTrace, type TraceContext } from '@hookstream/tracing';
import type { Clock } from './clock';
import type { Lease } from './concurrency-gate';
import { HANDOFF_MARGIN_MS, TierHeaders } from './delivery-settings';
import type { EndpointHealth, SlowAttempt } from './endpoint-health';
import { addFollowUps, enqueueDelayed } from './follow-ups';
import { HandoffLedger } from './handoff-ledger';
import type { Outbox } from './outbox';
import type { TenantShares } from './tenant-shares';

/** What a handoff needs of an attempt still running. */
export interface RunningAttempt {
  job: DeliveryJob;
  at: TenantOrigin;
  /** tenantOriginKey(at): endpoint health is kept per (tenant, origin). */
  lane: string;
  startedAtMs?: number;
  lease?: Lease;
  /** Ends once the attempt ended and published its own outcome. */
  attempting?: Promise<void>;
  trace?: TraceContext;
}

/** Publishes what a job caused, with whatever else goes out now (the dispatcher's outbox). */
export type PublishForJob = (job: DeliveryJob, fill: (outbox: Outbox) => void, record?: AttemptRecord) => Promise<void>;

export interface HandoffParts {
  ledger: HandoffLedger;
  health: EndpointHealth;
  shares: TenantShares;
  publish: PublishForJob;
  clock: Clock;
  logger: Logger;
  handedOff?: (job: DeliveryJob) => void;
}

/**
 * Attempts still running after their patience go on in the background: a
 * safety copy of the job goes to a delay tier (due after the attempt's
 * deadline, in case this process dies first), which makes the job durable;
 * the attempt keeps its origin's slot but gives its share of the total back
 * (or keeps a foreground slot of its tenant's when the background is full:
 * TenantShares counts those as hung), its endpoint counts as slow until it
 * ends (EndpointHealth), and it publishes its own outcome when it ends, with
 * a note that the copy can be dropped (HandoffLedger).
 */
export class Handoffs {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly parts: HandoffParts) {}

  /** Attempts in the background now; shutdown waits for them. */
  get size(): number {
    return this.running.size;
  }

  /** Hands the attempt off; resolves once its safety copy is in Kafka. */
  start(attempt: RunningAttempt, nowMs: number): Promise<void> {
    const { ledger, health, shares } = this.parts;
    const { job } = attempt;
    const startedAtMs = attempt.startedAtMs ?? nowMs;
    const key = HandoffLedger.key(job.invocation_id, job.attempt);
    const slow: SlowAttempt = { startedAtMs, deadlineMs: startedAtMs + job.action.timeout_ms };
    // The background full (in all, or its tenant's share): it goes on holding a foreground slot of its tenant's.
    const keptForeground = attempt.lease?.detach() === false;
    if (keptForeground) shares.hungStarted(attempt.at.tenantId);
    health.slowStarted(attempt.lane, slow);
    ledger.inFlight(key);
    this.parts.handedOff?.(job);
    const copy = { ...job, due_at: new Date(slow.deadlineMs + HANDOFF_MARGIN_MS).toISOString() };
    const durable = inTrace(attempt.trace, () => this.parts.publish(job, (outbox) => enqueueDelayed(outbox, copy, nowMs, 'handoff', { [TierHeaders.handoff]: key }))).catch((err: unknown) => {
      ledger.forget(key);
      throw err;
    });
    const tracked = (attempt.attempting ?? Promise.resolve()).finally(() => {
      this.running.delete(tracked);
      health.slowEnded(attempt.lane, slow);
      if (keptForeground) shares.hungEnded(attempt.at.tenantId);
    });
    this.running.add(tracked);
    return durable;
  }

  /** A handed-off attempt ended: it publishes its own outcome, and its safety copy becomes droppable. */
  async finish(attempt: RunningAttempt, record: AttemptRecord): Promise<void> {
    const { job } = attempt;
    const key = HandoffLedger.key(job.invocation_id, job.attempt);
    try {
      await this.parts.publish(
        job,
        (outbox) => {
          const nowMs = this.parts.clock.now();
          addFollowUps(outbox, record, nowMs);
          // With its outcome: any instance reading the copy after a restart knows to drop it.
          outbox.add(Topics.deliveryHandoffs, { invocation_id: job.invocation_id, attempt: job.attempt, settled_at: new Date(nowMs).toISOString() });
        },
        record,
      );
      this.parts.ledger.settled(key);
    } catch (err) {
      // The safety copy will make the attempt again.
      this.parts.ledger.forget(key);
      this.parts.logger.error({ err, invocationId: job.invocation_id, attempt: job.attempt }, 'could not publish a handed-off attempt');
    }
  }

  /** Waits for the background attempts to end and publish, at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }
}
