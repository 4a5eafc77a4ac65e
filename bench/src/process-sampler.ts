import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessUsage {
  /** User + system CPU seconds since the process started. */
  cpuSeconds: number;
  rssMb: number;
  /** Peak resident set size (VmHWM). */
  peakRssMb: number;
}

export interface UsageSample {
  at: number;
  usage: Record<string, ProcessUsage>;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** What pidusage would say, read straight from /proc (Linux only). */
export function readUsage(pid: number): ProcessUsage | undefined {
  try {
    // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { cpuSeconds: ticks / CLOCK_TICKS, rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/**
 * A server and its child processes (Postgres: one backend per connection):
 * the CPU of all of them, its children's that ended included (which the
 * kernel charges to the parent once reaped); the server's own memory.
 */
export function readTreeUsage(pid: number): ProcessUsage | undefined {
  const own = readUsage(pid);
  if (!own) return undefined;
  let ticks = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime: fields 16 and 17.
    ticks += Number(fields[13]) + Number(fields[14]);
  } catch {
    return own;
  }
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone since the listing.
    }
  }
  return { ...own, cpuSeconds: own.cpuSeconds + ticks / CLOCK_TICKS };
}

/**
 * Samples CPU and memory of named processes once a second. Scenarios take a
 * snapshot at their start and end to charge CPU seconds to themselves.
 */
export class ProcessSampler {
  readonly samples: UsageSample[] = [];
  private readonly pids = new Map<string, () => number | undefined>();
  private readonly last = new Map<string, ProcessUsage>();
  /** CPU seconds of processes that were running before the bench (the broker), at their first reading. */
  private readonly baseline = new Map<string, number>();
  private readonly external = new Set<string>();
  private readonly trees = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  /** `external`: a process the bench did not start; its CPU counts from the first reading. */
  track(name: string, pid: () => number | undefined, options: { external?: boolean; withChildren?: boolean } = {}): void {
    this.pids.set(name, pid);
    if (options.external) this.external.add(name);
    if (options.withChildren) this.trees.add(name);
  }

  start(intervalMs = 1000): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** The latest usage of every tracked process (gone ones keep their last reading). */
  snapshot(): Record<string, ProcessUsage> {
    this.sample();
    return Object.fromEntries(this.last);
  }

  private sample(): void {
    const usage: Record<string, ProcessUsage> = {};
    for (const [name, pid] of this.pids) {
      const id = pid();
      const reading = id === undefined ? undefined : this.trees.has(name) ? readTreeUsage(id) : readUsage(id);
      if (!reading) continue;
      if (this.external.has(name) && !this.baseline.has(name)) this.baseline.set(name, reading.cpuSeconds);
      reading.cpuSeconds -= this.baseline.get(name) ?? 0;
      // A restarted process would start from zero: keep the peak of all readings.
      const previous = this.last.get(name);
      const merged = previous ? { ...reading, peakRssMb: Math.max(previous.peakRssMb, reading.peakRssMb) } : reading;
      this.last.set(name, merged);
      usage[name] = merged;
    }
    this.samples.push({ at: Date.now(), usage });
  }
}

/** The largest resident set of each process in the samples taken from `fromMs` on (MB). */
export function largestRss(samples: readonly UsageSample[], fromMs: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sample of samples) {
    if (sample.at < fromMs) continue;
    for (const [name, usage] of Object.entries(sample.usage)) out[name] = Math.max(out[name] ?? 0, usage.rssMb);
  }
  return out;
}

/** CPU seconds each process spent between two snapshots. */
export function cpuBetween(before: Record<string, ProcessUsage>, after: Record<string, ProcessUsage>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, usage] of Object.entries(after)) out[name] = usage.cpuSeconds - (before[name]?.cpuSeconds ?? 0);
  return out;
}
