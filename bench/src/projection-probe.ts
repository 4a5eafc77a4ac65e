import { Client } from 'pg';

export interface ProjectionSample {
  at: number;
  events: number;
  attempts: number;
}

/** Counts the projection's read-model rows a few times a second, straight from its Postgres schema. */
export class ProjectionProbe {
  readonly samples: ProjectionSample[] = [];
  private readonly client: Client;
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    databaseUrl: string,
    private readonly schema: string,
  ) {
    this.client = new Client({ connectionString: databaseUrl });
  }

  async connect(): Promise<this> {
    await this.client.connect();
    return this;
  }

  async read(): Promise<ProjectionSample> {
    const s = `"${this.schema}"`;
    const { rows } = await this.client.query<{ events: string; attempts: string }>(
      `SELECT (SELECT count(*) FROM ${s}.events) AS events, (SELECT count(*) FROM ${s}.attempts) AS attempts`,
    );
    return { at: Date.now(), events: Number(rows[0].events), attempts: Number(rows[0].attempts) };
  }

  start(intervalMs: number): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const started = Date.now();
        this.samples.push(await this.read());
        await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - started))));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** How many values of an ascending array are at or below `at`. */
export function countUpTo(sorted: ArrayLike<number>, at: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Lag at each sample: the age of the oldest item the read model does not
 * show yet, reading rows in the order their items were produced (events) or
 * delivered (attempts). 0 when the read model shows everything so far.
 */
export function lagAt(sample: { at: number; shown: number }, itemTimes: ArrayLike<number>): number {
  const happened = countUpTo(itemTimes, sample.at);
  return sample.shown >= happened ? 0 : sample.at - itemTimes[sample.shown];
}
