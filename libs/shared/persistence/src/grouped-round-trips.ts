interface Waiting<T, R> {
  input: T;
  weight: number;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Concurrent callers sharing round trips (a group commit, for reads too):
 * one round trip runs at a time (or `lanes` of them); calls made meanwhile
 * wait and go together into the next one, in call order, up to `maxWeight`
 * (at least one call).
 * Requests thus share a query instead of queueing for a pooled connection
 * each, with no wait added when nothing is running; and each call is
 * answered by a round trip that began after it was made, never by one
 * already under way. A failed round trip fails every call of its group,
 * and only those.
 */
export class GroupedRoundTrips<T, R> {
  private readonly queue: Waiting<T, R>[] = [];
  private running = 0;

  constructor(
    /** Runs several calls' inputs in one round trip; answers each call's result, in order. */
    private readonly roundTrip: (inputs: readonly T[]) => Promise<readonly R[]>,
    private readonly options: { weight?: (input: T) => number; maxWeight?: number; lanes?: number } = {},
  ) {}

  submit(input: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ input, weight: this.options.weight?.(input) ?? 1, resolve, reject });
      if (this.running < (this.options.lanes ?? 1)) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    try {
      while (this.queue.length > 0) {
        const group = this.takeGroup();
        try {
          const results = await this.roundTrip(group.map((w) => w.input));
          if (results.length !== group.length) throw new Error(`round trip answered ${results.length} results for ${group.length} calls`);
          group.forEach((w, i) => w.resolve(results[i]));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.running--;
    }
  }

  /** The queue's head, up to maxWeight (at least one call). */
  private takeGroup(): Waiting<T, R>[] {
    const max = this.options.maxWeight ?? Number.POSITIVE_INFINITY;
    let weight = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || weight + this.queue[n].weight <= max)) weight += this.queue[n++].weight;
    return this.queue.splice(0, n);
  }
}

type Written = { ok: true } | { ok: false; err: unknown };

/**
 * Concurrent batch writes (one per Kafka partition, say) sharing round
 * trips: the batches that wait while a write runs are written together, in
 * one call of `write`. When such a joint write fails, each of its batches is
 * written again alone, so every failure stays its own batch's (a consumer
 * isolates and dead-letters by the batch it handed in).
 */
export class GroupedBatchWrites<T> {
  private readonly trips: GroupedRoundTrips<readonly T[], Written>;

  constructor(write: (items: readonly T[]) => Promise<void>) {
    const alone = (batch: readonly T[]): Promise<Written> =>
      write(batch).then(
        () => ({ ok: true }),
        (err: unknown) => ({ ok: false, err }),
      );
    this.trips = new GroupedRoundTrips<readonly T[], Written>(async (batches) => {
      if (batches.length === 1) return [await alone(batches[0])];
      const together = await alone(batches.flat());
      if (together.ok) return batches.map(() => together);
      const each: Written[] = [];
      for (const batch of batches) each.push(await alone(batch));
      return each;
    });
  }

  async write(batch: readonly T[]): Promise<void> {
    const written = await this.trips.submit(batch);
    if (!written.ok) throw written.err;
  }
}
