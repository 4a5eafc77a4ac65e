import type { Logger } from '@hookstream/logging';
import { Clock, sleep } from './clock';
import { backoffMs, decideAfterFailure, HandlingPolicy, isTransient } from './handling-policy';
import type { RestartSupervisor } from './restart-supervisor';

/** What a handler asked of its batch through the scope. */
export interface HandlerRequests {
  hold?: { offset: string; untilMs: number };
  durable?: Promise<void>;
  /** Messages the handler judged unfit, to dead-letter before the batch is committed. */
  rejected?: { message: { offset: string; headers: Record<string, string> }; reason: string; headers?: Record<string, string> }[];
}

/** One fetched batch of a partition, and what handling it needs from its consumer. */
export interface PartitionBatch<M extends { offset: string }> {
  topic: string;
  partition: number;
  first: string;
  last: string;
  messages: M[];
  /** Runs the handler on `messages`, recording what it asks into `requests`. */
  handle(messages: M[], requests: HandlerRequests): Promise<void>;
  /** Publishes the dead letter of a message whose handling kept failing (throws if Kafka does not take it). */
  deadLetter(message: M, err: unknown): Promise<void>;
  /** Resolves once the partition's earlier batches' work is durable; rejects if it failed. */
  earlierDurable(): Promise<void>;
  /** Still this member's to handle: not stopped, not rebalanced away. */
  isCurrent(): boolean;
  heartbeat(): Promise<void>;
}

/**
 * How handling a batch ended. `done`: the offsets before `next` are handled
 * or dead-lettered; `requests` are the handler's (`durable` still to wait on
 * unless handled one by one). `abandoned`: nothing to resolve, the batch
 * will be read again.
 */
export type BatchHandlingResult = { kind: 'done'; next: string; requests: HandlerRequests } | { kind: 'abandoned' };

/**
 * The per-message isolation rule (see handling-policy.ts) applied to one
 * batch: the whole batch, retried while the policy says so; then each
 * message alone, its work waited on, the one that keeps failing
 * dead-lettered. Every failure is reported to the supervisor, which turns
 * readiness red when a partition keeps failing at one offset.
 */
export class BatchIsolation {
  constructor(
    private readonly policy: HandlingPolicy,
    private readonly supervisor: RestartSupervisor,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async handle<M extends { offset: string }>(batch: PartitionBatch<M>): Promise<BatchHandlingResult> {
    const end = (BigInt(batch.last) + 1n).toString();
    if (batch.messages.length === 0) return { kind: 'done', next: end, requests: {} };
    // A batch whose work failed through its messages' fault before (a restart from the last commit) goes one by one at once.
    const suspect = this.supervisor.handlingFailuresWithin(batch.topic, batch.partition, batch.first, batch.last) >= this.policy.maxHandlingAttempts;
    if (!suspect) {
      const whole = await this.handleWhole(batch);
      if (whole !== 'give_up') return whole;
    }
    return this.handleOneByOne(batch);
  }

  /** Runs `work` (a publish to Kafka: any failure is an outage) until it succeeds; false if the batch stopped being this member's meanwhile. */
  async untilDone(batch: PartitionBatch<{ offset: string }>, first: string, last: string, what: string, work: () => Promise<void>): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        return true;
      } catch (err) {
        this.supervisor.failed(batch.topic, batch.partition, first, last, true);
        this.logger.warn({ err, topic: batch.topic, partition: batch.partition, offset: first, attempt }, `${what} failed; retrying`);
        if (!(await this.wait(batch, backoffMs(this.policy, attempt)))) return false;
      }
    }
  }

  private async handleWhole<M extends { offset: string }>(batch: PartitionBatch<M>): Promise<BatchHandlingResult | 'give_up'> {
    for (let attempt = 1; ; attempt++) {
      const requests: HandlerRequests = {};
      try {
        await batch.handle(batch.messages, requests);
        return { kind: 'done', next: (BigInt(batch.last) + 1n).toString(), requests };
      } catch (err) {
        void requests.durable?.catch(() => undefined);
        const step = this.failed(batch, batch.first, batch.last, attempt, err, 'handling a batch failed');
        if (step.kind === 'give_up') return 'give_up';
        if (!(await this.wait(batch, step.afterMs))) return { kind: 'abandoned' };
      }
    }
  }

  private async handleOneByOne<M extends { offset: string }>(batch: PartitionBatch<M>): Promise<BatchHandlingResult> {
    try {
      await batch.earlierDurable();
    } catch {
      return { kind: 'abandoned' }; // an earlier batch failed: its consumer is being replaced
    }
    let next = batch.first;
    const rejected: NonNullable<HandlerRequests['rejected']> = [];
    const doneSoFar = (): BatchHandlingResult => (next === batch.first ? { kind: 'abandoned' } : { kind: 'done', next, requests: { rejected } });
    for (const message of batch.messages) {
      for (let attempt = 1; ; attempt++) {
        const requests: HandlerRequests = {};
        try {
          await batch.handle([message], requests);
          await requests.durable;
          rejected.push(...(requests.rejected ?? []));
          if (requests.hold) return { kind: 'done', next: requests.hold.offset, requests: { hold: requests.hold, rejected } };
          break;
        } catch (err) {
          void requests.durable?.catch(() => undefined);
          const step = this.failed(batch, message.offset, message.offset, attempt, err, 'handling a message alone failed');
          if (step.kind === 'give_up') {
            if (!(await this.untilDone(batch, message.offset, message.offset, 'publishing a dead letter', () => batch.deadLetter(message, err)))) return doneSoFar();
            break;
          }
          if (!(await this.wait(batch, step.afterMs))) return doneSoFar();
        }
      }
      next = (BigInt(message.offset) + 1n).toString();
      if (!batch.isCurrent()) return doneSoFar();
      await batch.heartbeat();
    }
    return { kind: 'done', next: (BigInt(batch.last) + 1n).toString(), requests: { rejected } };
  }

  private failed(batch: PartitionBatch<{ offset: string }>, first: string, last: string, attempt: number, err: unknown, what: string) {
    const transient = isTransient(err);
    this.supervisor.failed(batch.topic, batch.partition, first, last, transient);
    const step = decideAfterFailure(this.policy, attempt, err);
    this.logger[transient ? 'warn' : 'error']({ err, topic: batch.topic, partition: batch.partition, offset: first, attempt, transient, next: step.kind }, what);
    return step;
  }

  /** Waits before another try, heartbeating; false if the batch is no longer this member's to handle. */
  private async wait(batch: PartitionBatch<{ offset: string }>, ms: number): Promise<boolean> {
    await sleep(this.clock, ms);
    if (!batch.isCurrent()) return false;
    await batch.heartbeat();
    return true;
  }
}
