import { DeliveryJob } from '@hookstream/contracts';
import { type AttemptRecord, deliveryTarget } from '@hookstream/delivery-domain';
import { type TenantOrigin, tenantOriginKey } from '@hookstream/delivery-http';
import type { Logger } from '@hookstream/logging';
import type { MessagePublisher } from '@hookstream/messaging';
import { activeTrace, inTrace, type TraceContext } from '@hookstream/tracing';
import { AttemptExecutor, endpointOf } from './attempt-executor';
import { Clock, systemClock } from './clock';
import { ConcurrencyGate, GateCancelledError, Lease, shareOf } from './concurrency-gate';
import { CONTENTION_WINDOW_MS, DEFERRAL_DELAY_MS } from './delivery-settings';
import { EndpointHealth } from './endpoint-health';
import { addDeadEnd, addFollowUps, addForJob, describeError, enqueueDelayed } from './follow-ups';
import { HandoffLedger } from './handoff-ledger';
import { Handoffs } from './handoffs';
import { Outbox } from './outbox';
import { PendingRoom } from './pending-room';
import { TenantShares } from './tenant-shares';

/** Why a job was put back without an attempt: its (tenant, origin) is stuck, or its tenant has no room in its share (see TenantShares). */
export type DeferralReason = 'endpoint_stuck' | 'tenant_share';

export interface DeliveryObserver {
  attempted(record: AttemptRecord): void;
  handedOff(job: DeliveryJob): void;
  deferred(job: DeliveryJob, reason: DeferralReason): void;
  /** The job could not be followed up (or attempted) as usual: dead-lettered with its reason. */
  deadEnded(job: DeliveryJob): void;
}

export interface DispatcherOptions {
  /** How long an attempt may run before it is handed off to the background. */
  patienceMs: number;
  /** Jobs queued or attempting at most; `dispatch` waits for room beyond it. */
  maxPending: number;
  /**
   * The part of maxPending one tenant's jobs may take (0 < share ≤ 1, 1
   * unless given; the gate holds it to the same share of the slots). Its
   * jobs past it are deferred, so they never fill the dispatcher for all.
   */
  tenantShare?: number;
  /** Read for every time this decides on; timers are the runtime's (jest fakes both). */
  clock?: Clock;
}

interface Tracked {
  job: DeliveryJob;
  at: TenantOrigin;
  /** tenantOriginKey(at): endpoint health is kept per (tenant, origin). */
  lane: string;
  state: 'queued' | 'running' | 'handed_off' | 'deferred' | 'done';
  cancel: AbortController;
  /** Set when the watchdog cancels a queued job: deferred until then, for this reason. */
  deferUntilMs?: number;
  deferReason?: DeferralReason;
  startedAtMs?: number;
  lease?: Lease;
  /** Ends once the attempt ended and (handed off) published its own outcome. */
  attempting?: Promise<void>;
  /** Resolved once what this job caused is in Kafka (outcome and follow-ups, safety copy or deferral). */
  durable: Deferred;
  /** The job's trace, for what the watchdog publishes for it (its timer runs outside any). */
  trace?: TraceContext;
}

/** How long follow-ups wait for company before they are published. */
const OUTBOX_LINGER_MS = 25;

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Attempts jobs as they come, without batches waiting for them: `dispatch`
 * places each job (attempting it, queueing it for a slot, or deferring it)
 * and returns as soon as there is room for more, with a promise of when all
 * it placed is durable, for the consumer to commit on. So one slow attempt
 * never holds the jobs fetched after it.
 *
 * An attempt still running after `patienceMs` is handed off to the
 * background (see Handoffs), which makes its job durable. While such an
 * attempt runs and none of the attempts of its tenant to its origin has
 * answered for a patience, that endpoint is stuck: its queued and new jobs
 * are deferred (unless the tenant's breaker for it is open: then they are
 * attempted and short-circuited) for as long as that attempt has run so far
 * (at least DEFERRAL_DELAY_MS, at most until its deadline), so a briefly
 * slow endpoint is tried again soon and a dead one backs off instead of
 * cycling through the delay tier every second.
 *
 * Tenants share fairly: the gate holds each to its share of the foreground
 * and background slots, and this to its share of the pending jobs (see
 * TenantShares); a job over that share, or queued while hung attempts hold
 * all its tenant's foreground slots, waits in the delay tiers, and the
 * other tenants' jobs go on. Health, breakers and the gate's queues are per
 * (tenant, origin), so one tenant's hangs and failures at a shared origin
 * do not hold back another's; the slots of an origin are shared, to spare
 * its receiver.
 */
export class DeliveryDispatcher {
  private readonly pending = new Set<Tracked>();
  private readonly health: EndpointHealth;
  private readonly handoffs: Handoffs;
  private readonly room: PendingRoom;
  private readonly watchdog: NodeJS.Timeout;
  private lingering: { outbox: Outbox; done: Deferred } | undefined;
  private readonly clock: Clock;
  private readonly shares: TenantShares;

  constructor(
    private readonly executor: AttemptExecutor,
    private readonly gate: ConcurrencyGate,
    ledger: HandoffLedger,
    private readonly publisher: MessagePublisher,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions,
    private readonly observer?: DeliveryObserver,
  ) {
    this.clock = options.clock ?? systemClock;
    this.health = new EndpointHealth(options.patienceMs);
    this.shares = new TenantShares({
      pending: shareOf(options.maxPending, options.tenantShare ?? 1),
      foreground: gate.tenantLimits.foreground,
      spacingMs: DEFERRAL_DELAY_MS,
      contentionWindowMs: CONTENTION_WINDOW_MS,
    });
    this.handoffs = new Handoffs({
      ledger,
      health: this.health,
      shares: this.shares,
      publish: (job, fill, record) => this.publishSoon(job, fill, record),
      clock: this.clock,
      logger,
      handedOff: (job) => observer?.handedOff(job),
    });
    this.room = new PendingRoom(options.maxPending, () => this.pending.size);
    this.watchdog = setInterval(() => this.watch(), Math.max(5, Math.floor(options.patienceMs / 4)));
    this.watchdog.unref();
  }

  /**
   * Places the jobs, and `outbox` (messages to publish beside them); resolves
   * once fewer than maxPending jobs are queued or attempting. `durable`
   * resolves when everything placed is in Kafka, and rejects if some of it
   * could not be published. `traces`: each job's (the message it came in),
   * which its attempt and follow-ups continue.
   */
  async dispatch(jobs: readonly DeliveryJob[], outbox?: Outbox, traces?: ReadonlyMap<DeliveryJob, TraceContext>): Promise<{ durable: Promise<void> }> {
    const parts: Promise<void>[] = [];
    if (outbox && outbox.size > 0) parts.push(outbox.publish(this.publisher));
    for (const job of jobs) parts.push(inTrace(traces?.get(job), () => this.place(job)));
    const durable = Promise.all(parts).then(() => undefined);
    // The caller attaches its own handler after the await below; until then a rejection is not unhandled.
    durable.catch(() => undefined);
    await this.room.whenRoom();
    return { durable };
  }

  /** Attempts queued or running in the foreground. */
  get inFlight(): number {
    return this.pending.size;
  }

  /** One tenant's jobs queued or running in the foreground. */
  pendingOf(tenantId: string): number {
    return this.shares.held(tenantId);
  }

  /** In-flight background attempts; shutdown waits for them. */
  get inBackground(): number {
    return this.handoffs.size;
  }

  /** Waits for background attempts to finish and publish, at most `timeoutMs`; then stops the watchdog. */
  async drain(timeoutMs: number): Promise<void> {
    await this.handoffs.drain(timeoutMs);
    clearInterval(this.watchdog);
  }

  private place(job: DeliveryJob): Promise<void> {
    const at: TenantOrigin = { tenantId: job.tenant_id, origin: endpointOf(deliveryTarget(job).url) ?? 'invalid-url' };
    const lane = tenantOriginKey(at);
    const nowMs = this.clock.now();
    const slowUntil = this.health.stuckUntil(lane, nowMs);
    if (slowUntil !== undefined && !this.executor.isOpen(at)) return this.defer(job, slowUntil, 'endpoint_stuck');
    if (!this.shares.hasRoom(at.tenantId, this.gate.heldBy(at.tenantId).foreground, nowMs)) return this.defer(job, this.shares.returnAtMs(at.tenantId, nowMs), 'tenant_share');
    const tracked: Tracked = { job, at, lane, state: 'queued', cancel: new AbortController(), durable: deferred(), trace: activeTrace() };
    this.pending.add(tracked);
    this.shares.entered(at.tenantId);
    tracked.attempting = this.run(tracked);
    return tracked.durable.promise;
  }

  private async run(t: Tracked): Promise<void> {
    let lease: Lease;
    try {
      lease = await this.gate.acquire(t.at, t.cancel.signal);
    } catch (err) {
      this.leave(t, 'deferred');
      if (!(err instanceof GateCancelledError)) t.durable.reject(err);
      else this.defer(t.job, t.deferUntilMs ?? 0, t.deferReason ?? 'endpoint_stuck').then(t.durable.resolve, t.durable.reject);
      return;
    }
    let record: AttemptRecord;
    try {
      t.state = 'running';
      t.startedAtMs = this.clock.now();
      t.lease = lease;
      record = await this.executor.attempt(t.job);
      this.observer?.attempted(record);
    } catch (err) {
      // AttemptExecutor never throws; should it, this job ends here with the reason, and the rest of its batch goes on.
      this.leave(t, 'done');
      this.logger.error({ err, invocationId: t.job.invocation_id, attempt: t.job.attempt }, 'attempt failed unexpectedly: job dead-lettered');
      this.observer?.deadEnded(t.job);
      this.publishSoon(t.job, (outbox) => addDeadEnd(outbox, t.job, `attempt failed unexpectedly: ${describeError(err)}`, this.clock.now())).then(t.durable.resolve, t.durable.reject);
      return;
    } finally {
      lease.release();
      this.health.answered(t.lane, this.clock.now());
    }
    // The watchdog may have handed it off while it ran.
    if ((t.state as Tracked['state']) === 'handed_off') {
      await this.handoffs.finish(t, record);
      return;
    }
    this.leave(t, 'done');
    this.publishSoon(t.job, (outbox) => addFollowUps(outbox, record, this.clock.now()), record).then(t.durable.resolve, t.durable.reject);
  }

  /** Not attempted now, and no attempt counted: back in a moment (or once `notBeforeMs`) through the delay tiers. */
  private defer(job: DeliveryJob, notBeforeMs: number, reason: DeferralReason): Promise<void> {
    const nowMs = this.clock.now();
    this.observer?.deferred(job, reason);
    return this.publishSoon(job, (outbox) => enqueueDelayed(outbox, { ...job, due_at: new Date(Math.max(nowMs + DEFERRAL_DELAY_MS, notBeforeMs)).toISOString() }, nowMs, 'deferred'));
  }

  /** Every few ms: hand off attempts past their patience, and defer what queues for an endpoint gone slow or a tenant whose slots hang. */
  private watch(): void {
    const nowMs = this.clock.now();
    this.health.forgetOldAnswers(nowMs);
    this.shares.forgetPastReturns(nowMs);
    if (this.pending.size === 0) return;
    for (const t of this.pending) {
      if (t.state === 'running' && nowMs - (t.startedAtMs ?? nowMs) >= this.options.patienceMs) this.handOff(t, nowMs);
    }
    for (const t of this.pending) {
      if (t.state !== 'queued') continue;
      const slowUntil = this.health.stuckUntil(t.lane, nowMs);
      if (slowUntil !== undefined && !this.executor.isOpen(t.at)) this.cancelQueued(t, slowUntil, 'endpoint_stuck');
      else if (this.shares.stalled(t.at.tenantId)) this.cancelQueued(t, this.shares.returnAtMs(t.at.tenantId, nowMs), 'tenant_share');
    }
  }

  private cancelQueued(t: Tracked, deferUntilMs: number, reason: DeferralReason): void {
    t.deferUntilMs = deferUntilMs;
    t.deferReason = reason;
    t.cancel.abort();
  }

  private handOff(t: Tracked, nowMs: number): void {
    this.leave(t, 'handed_off');
    this.handoffs.start(t, nowMs).then(t.durable.resolve, t.durable.reject);
  }

  /**
   * Adds to the messages going out within OUTBOX_LINGER_MS, all in one
   * publish: attempts end one by one, and a request per outcome would cost
   * the broker and the read models more than the outcomes themselves. (The
   * publisher's own grouping alone, without this wait, measured about 12%
   * fewer deliveries/s end to end.)
   */
  private publishSoon(job: DeliveryJob, fill: (outbox: Outbox) => void, record?: AttemptRecord): Promise<void> {
    let batch = this.lingering;
    if (!batch) {
      const started = { outbox: new Outbox(), done: deferred() };
      this.lingering = batch = started;
      setTimeout(() => {
        this.lingering = undefined;
        started.outbox.publish(this.publisher).then(started.done.resolve, started.done.reject);
      }, OUTBOX_LINGER_MS);
    }
    // A message that cannot be built or encoded ends its own job, not the others lingering with it.
    const err = addForJob(batch.outbox, job, this.clock.now(), fill, record);
    if (err !== undefined) {
      this.logger.warn({ err, invocationId: job.invocation_id, attempt: job.attempt }, 'job dead-lettered: its follow-up could not be built');
      this.observer?.deadEnded(job);
    }
    return batch.done.promise;
  }

  private leave(t: Tracked, state: Tracked['state']): void {
    t.state = state;
    if (!this.pending.delete(t)) return;
    this.shares.left(t.at.tenantId);
    this.room.freed();
  }
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  // Rejections surface through dispatch's `durable`; this copy must not count as unhandled.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
