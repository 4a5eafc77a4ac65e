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
 * attempts still running, its new jobs are deferred at once, until the
 * first of those attempts must have ended (unless its breaker is open:
 * then they are attempted and short-circuited), so only the first batch
 * that meets a newly slow endpoint waits at all, and a dead endpoint's jobs
 * come back once per timeout, not once a second.
 */
export class BatchDelivery {
  private readonly background = new Set<Promise<void>>();
  /** Deadlines (epoch ms) of the slow handed-off attempts still running, per endpoint. */
  private readonly slow = new Map<string, number[]>();

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
    await waitAtMost(Promise.all(tasks.map((t) => t.done)), this.patienceMs);
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

  /** When the first slow attempt of the endpoint must have ended; undefined if none runs. */
  private slowUntil(endpoint: string): number | undefined {
    const deadlines = this.slow.get(endpoint);
    return deadlines && deadlines.length > 0 ? Math.min(...deadlines) : undefined;
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
    const deadlineMs = (task.startedAtMs ?? nowMs) + job.action.timeout_ms;
    if (slow) this.slow.set(task.endpoint, [...(this.slow.get(task.endpoint) ?? []), deadlineMs]);
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
        const deadlines = this.slow.get(task.endpoint) ?? [];
        deadlines.splice(deadlines.indexOf(deadlineMs), 1);
        if (deadlines.length === 0) this.slow.delete(task.endpoint);
      });
    this.background.add(finish);
  }
}

async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
