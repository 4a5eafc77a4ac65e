import type { DeliveryJob } from '@hookstream/contracts';
import type { AttemptRecord } from '@hookstream/delivery-domain';
import type { Logger } from '@hookstream/logging';
import type { MessagePublisher } from '@hookstream/messaging';
import { AttemptExecutor, endpointOf } from './attempt-executor';
import { ConcurrencyGate, Lease } from './concurrency-gate';
import { DEFERRAL_DELAY_MS, HANDOFF_MARGIN_MS, TierHeaders } from './delivery-settings';
import { addFollowUps, enqueueDelayed } from './follow-ups';
import { HandoffLedger } from './handoff-ledger';
import { Outbox } from './outbox';

/** A batch whose attempts all keep moving is waited for at most this many patiences. */
const MAX_PATIENCE_FACTOR = 8;

interface SlowAttempt {
  startedAtMs: number;
  deadlineMs: number;
}

export interface DeliveryObserver {
  attempted(record: AttemptRecord): void;
  handedOff(job: DeliveryJob): void;
  deferred(job: DeliveryJob): void;
}

interface Task {
  job: DeliveryJob;
  endpoint: string;
  done: Promise<void>;
  cancelled: boolean;
  cancel: AbortController;
  startedAtMs?: number;
  lease?: Lease;
  record?: AttemptRecord;
}

/**
 * Attempts a batch's due jobs concurrently, bounded per endpoint and in all,
 * and waits for them at most `patienceMs`. Partitions are keyed by action,
 * so a dead endpoint shares them with healthy ones, and kafkajs fetches the
 * next batches only when every batch of the last fetch is done: one slow
 * attempt must not hold a batch. So when patience runs out:
 * - an attempt still running goes on in the background, publishes its own
 *   outcome when it ends, and a safety copy of its job goes to a delay tier,
 *   due after the attempt's deadline, in case this process dies first;
 * - a job still waiting for a slot is not attempted now: it goes to a delay
 *   tier, due in DEFERRAL_DELAY_MS, and is no attempt (no outcome).
 * The batch can then commit; nothing it took is lost. A handed-off attempt
 * keeps its endpoint's slot but leaves the total to the others (see
 * ConcurrencyGate.detach). And while an endpoint has slow handed-off
 * attempts still running, its new jobs are deferred at once (unless its
 * breaker is open: then they are attempted and short-circuited), so only
 * the first batch that meets a newly slow endpoint waits at all. They come
 * back after as long as that attempt has run so far (at least
 * DEFERRAL_DELAY_MS, at most until its deadline): a briefly slow endpoint
 * is tried again soon, a dead one's jobs back off instead of cycling
 * through the delay tier every second until its timeout.
 */
export class BatchDelivery {
  private readonly background = new Set<Promise<void>>();
  /** Slow handed-off attempts still running, per endpoint. */
  private readonly slow = new Map<string, SlowAttempt[]>();

  constructor(
    private readonly executor: AttemptExecutor,
    private readonly gate: ConcurrencyGate,
    private readonly ledger: HandoffLedger,
    private readonly publisher: MessagePublisher,
    private readonly logger: Logger,
    private readonly patienceMs: number,
    private readonly observer?: DeliveryObserver,
  ) {}

  /** Attempts the jobs; what must be published before the batch commits goes to `outbox`. */
  async deliver(jobs: readonly DeliveryJob[], outbox: Outbox): Promise<void> {
    if (jobs.length === 0) return;
    const tasks: Task[] = [];
    for (const job of jobs) {
      const endpoint = endpointOf(job.target_url) ?? 'invalid-url';
      const slowUntil = this.slowUntil(endpoint);
      if (slowUntil !== undefined && !this.executor.isOpen(endpoint)) this.defer(job, outbox, Date.now(), slowUntil);
      else tasks.push(this.start(job, endpoint));
    }
    if (tasks.length === 0) return;
    await this.waitForBatch(tasks);
    const nowMs = Date.now();
    for (const task of tasks) {
      if (task.record) {
        addFollowUps(outbox, task.record, nowMs);
      } else if (task.startedAtMs === undefined) {
        task.cancelled = true;
        task.cancel.abort();
        this.defer(task.job, outbox, nowMs);
      } else {
        this.handOff(task, outbox, nowMs);
      }
    }
  }

  /**
   * Waits `patienceMs`, and longer (up to MAX_PATIENCE_FACTOR times) while
   * no attempt of the batch is slow: a long queue behind a busy but healthy
   * endpoint is progress, and deferring its tail would only publish it and
   * read it back. Stops waiting once one attempt has run patienceMs / 2.
   */
  private async waitForBatch(tasks: readonly Task[]): Promise<void> {
    const all = Promise.all(tasks.map((t) => t.done));
    const giveUpAtMs = Date.now() + this.patienceMs * MAX_PATIENCE_FACTOR;
    let done = await waitAtMost(all, this.patienceMs);
    while (!done && Date.now() < giveUpAtMs && !this.anySlow(tasks)) done = await waitAtMost(all, this.patienceMs / 2);
  }

  private anySlow(tasks: readonly Task[]): boolean {
    const nowMs = Date.now();
    return tasks.some((t) => t.startedAtMs !== undefined && !t.record && nowMs - t.startedAtMs >= this.patienceMs / 2);
  }

  /** In-flight background attempts; shutdown waits for them. */
  get inBackground(): number {
    return this.background.size;
  }

  /** Waits for background attempts to finish and publish, at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<void> {
    await waitAtMost(Promise.allSettled([...this.background]), timeoutMs);
  }

  /** Not attempted now, and no attempt counted: back in a moment (or once `notBeforeMs`) through the delay tiers. */
  private defer(job: DeliveryJob, outbox: Outbox, nowMs: number, notBeforeMs = 0): void {
    const dueMs = Math.max(nowMs + DEFERRAL_DELAY_MS, notBeforeMs);
    enqueueDelayed(outbox, { ...job, due_at: new Date(dueMs).toISOString() }, nowMs, 'deferred');
    this.observer?.deferred(job);
  }

  /** When to try the endpoint again while slow attempts run there; undefined if none does. */
  private slowUntil(endpoint: string): number | undefined {
    const running = this.slow.get(endpoint);
    if (!running || running.length === 0) return undefined;
    const nowMs = Date.now();
    return Math.min(...running.map((a) => Math.min(a.deadlineMs, nowMs + (nowMs - a.startedAtMs))));
  }

  private start(job: DeliveryJob, endpoint: string): Task {
    const task = { job, endpoint, cancelled: false, cancel: new AbortController() } as Task;
    task.done = (async () => {
      const lease = await this.gate.acquire(endpoint, task.cancel.signal);
      try {
        // A slot granted in the same tick the batch gave up on this job.
        if (task.cancelled) return;
        task.startedAtMs = Date.now();
        task.lease = lease;
        task.record = await this.executor.attempt(job);
        this.observer?.attempted(task.record);
      } finally {
        lease.release();
      }
    })().catch(() => undefined);
    return task;
  }

  private handOff(task: Task, outbox: Outbox, nowMs: number): void {
    const { job } = task;
    const key = HandoffLedger.key(job.invocation_id, job.attempt);
    const dueAt = new Date((task.startedAtMs ?? nowMs) + job.action.timeout_ms + HANDOFF_MARGIN_MS);
    this.ledger.inFlight(key);
    // Only an attempt that has run a while marks its endpoint slow, not one
    // that merely got its slot late in a busy batch.
    const slow = nowMs - (task.startedAtMs ?? nowMs) >= this.patienceMs / 2;
    const running: SlowAttempt = { startedAtMs: task.startedAtMs ?? nowMs, deadlineMs: (task.startedAtMs ?? nowMs) + job.action.timeout_ms };
    if (slow) this.slow.set(task.endpoint, [...(this.slow.get(task.endpoint) ?? []), running]);
    task.lease?.detach();
    enqueueDelayed(outbox, { ...job, due_at: dueAt.toISOString() }, nowMs, 'handoff', { [TierHeaders.handoff]: key });
    this.observer?.handedOff(job);
    const finish = task.done
      .then(async () => {
        if (!task.record) return;
        const own = new Outbox();
        addFollowUps(own, task.record, Date.now());
        await own.publish(this.publisher);
        this.ledger.settled(key);
      })
      .catch((err: unknown) => {
        // The safety copy will make the attempt again.
        this.ledger.forget(key);
        this.logger.error({ err, invocationId: job.invocation_id, attempt: job.attempt }, 'could not publish a handed-off attempt');
      })
      .finally(() => {
        this.background.delete(finish);
        if (!slow) return;
        const left = (this.slow.get(task.endpoint) ?? []).filter((a) => a !== running);
        if (left.length > 0) this.slow.set(task.endpoint, left);
        else this.slow.delete(task.endpoint);
      });
    this.background.add(finish);
  }
}

/** True if the promise settled within `ms`. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  clearTimeout(timer);
  return settled;
}
