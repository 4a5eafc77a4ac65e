import type { Clock } from './clock';
import { partitionKey } from './restart-supervisor';

/** A batch of one partition whose handler returned: offsets `first` up to (not including) `next`. */
export interface FinishedBatch {
  topic: string;
  partition: number;
  first: string;
  next: string;
}

export interface OffsetCommit {
  topic: string;
  partition: number;
  offset: string;
}

/** What the committer tells and asks of its consumer. */
export interface CommitTarget {
  commit(commits: OffsetCommit[]): Promise<void>;
  /** A batch's work is durable and its offset staged: everything before `next` is done. */
  durable(batch: FinishedBatch): void;
  /** A batch's work failed to become durable; this committer commits nothing more. */
  notDurable(batch: FinishedBatch, err: unknown): void;
  /** A deferred commit failed; the offsets stay for the next commit or a re-read. */
  commitFailed(err: unknown): void;
}

/**
 * The offsets of one kafkajs consumer: a batch's offset is committed once its
 * work and every earlier batch's of the partition are durable (in order),
 * and commits are paced (at most one request per interval, all partitions in
 * it). Once a batch's work fails, nothing more is committed: its consumer is
 * replaced and reads again from the last commit.
 */
export class OffsetCommitter {
  /** Offsets resolved and not yet committed, by partition. */
  private readonly pending = new Map<string, OffsetCommit>();
  /** Per partition: the last batch whose work is not yet durable (rejects if it or an earlier one failed). */
  private readonly chains = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private lastCommitMs = Number.NEGATIVE_INFINITY;
  private committing: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly target: CommitTarget,
    private readonly intervalMs: number,
    private readonly clock: Clock,
  ) {}

  /** Takes a finished batch; its offset is committed once `durable` (if any) and the partition's earlier batches are. */
  async finished(batch: FinishedBatch, durable?: Promise<void>): Promise<void> {
    const key = partitionKey(batch.topic, batch.partition);
    const earlier = this.chains.get(key);
    if (!durable && !earlier) {
      this.stage(batch);
      await this.commitSoon();
      return;
    }
    const link = (earlier ?? Promise.resolve()).then(() => durable);
    this.chains.set(key, link);
    link
      .then(
        () => {
          this.stage(batch);
          this.commitSoon().catch((err: unknown) => this.target.commitFailed(err));
        },
        (err: unknown) => {
          if (this.closed) return;
          this.close();
          this.target.notDurable(batch, err);
        },
      )
      .finally(() => {
        if (this.chains.get(key) === link) this.chains.delete(key);
      });
  }

  /** Resolves when every batch of the partition taken so far is durable; rejects if one failed. */
  durableSoFar(topic: string, partition: number): Promise<void> {
    return this.chains.get(partitionKey(topic, partition)) ?? Promise.resolve();
  }

  hasWorkInFlight(): boolean {
    return this.chains.size > 0;
  }

  /** Waits at most `ms` for the batches whose work is still becoming durable. */
  async drain(ms: number): Promise<void> {
    if (this.chains.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.chains.values()]), new Promise((resolve) => (timer = this.clock.setTimeout(() => resolve(undefined), ms)))]);
    this.clock.clearTimeout(timer);
  }

  /** Commits what is staged now, regardless of pacing (stopping). */
  async flush(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.committing?.catch(() => undefined);
    await this.commitPending();
  }

  /** Offsets of partitions this member lost are another member's now. */
  dropNotIn(owns: (topic: string, partition: number) => boolean): void {
    for (const [key, commit] of this.pending) if (!owns(commit.topic, commit.partition)) this.pending.delete(key);
  }

  /** Commits nothing more (the consumer crashed, failed or stopped). */
  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private stage(batch: FinishedBatch): void {
    if (this.closed) return;
    this.pending.set(partitionKey(batch.topic, batch.partition), { topic: batch.topic, partition: batch.partition, offset: batch.next });
    this.target.durable(batch);
  }

  /** Commits now if the last commit is old enough, else once it is (one timer, all partitions). */
  private async commitSoon(): Promise<void> {
    const wait = this.lastCommitMs + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
      await this.commitPending();
      return;
    }
    this.timer ??= this.clock.setTimeout(() => {
      this.timer = undefined;
      // A failure here (a rebalance under way) leaves the offsets to the next commit or to a re-read.
      this.commitPending().catch((err: unknown) => this.target.commitFailed(err));
    }, wait);
  }

  private async commitPending(): Promise<void> {
    if (this.pending.size === 0) return;
    const commits = [...this.pending.values()];
    this.pending.clear();
    this.lastCommitMs = this.clock.now();
    this.committing = this.target.commit(commits);
    await this.committing;
  }
}
