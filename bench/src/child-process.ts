import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import { once } from 'node:events';

export interface ChildOptions {
  name: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** stdout and stderr go here, so a failed run can be read afterwards. */
  logFile: string;
}

const live = new Set<ChildProcess>();
// However the bench ends (an error, Ctrl-C), it leaves no process of its own behind.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A process the benchmark started: its pid (for /proc sampling), its output
 * in a log file, a clean stop (SIGTERM, then SIGKILL after a grace period).
 */
export interface LoggedError {
  at: number;
  message: string;
}

export class BenchChild {
  /** Error and fatal lines (pino level >= 50) the process logged, the latest 200. */
  readonly errors: LoggedError[] = [];
  private child: ChildProcess | undefined;
  private log: WriteStream | undefined;
  private tail = '';
  exitCode: number | null = null;

  constructor(readonly options: ChildOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The last few kilobytes of output, for error messages. */
  get recentOutput(): string {
    return this.tail;
  }

  start(onStdoutLine?: (line: string) => void): this {
    this.log = createWriteStream(this.options.logFile);
    const child = spawn(process.execPath, this.options.args, {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const keep = (chunk: Buffer) => {
      this.log?.write(chunk);
      this.tail = (this.tail + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      keep(chunk);
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        this.noteError(line);
        onStdoutLine?.(line);
      }
    });
    child.stderr?.on('data', keep);
    live.add(child);
    child.once('exit', (code) => {
      live.delete(child);
      this.exitCode = code;
      this.log?.end();
    });
    this.child = child;
    return this;
  }

  /** Errors logged since a time, as "message (×n)", most frequent first. */
  errorsSince(at: number): string[] {
    const counts = new Map<string, number>();
    for (const e of this.errors) if (e.at >= at) counts.set(e.message, (counts.get(e.message) ?? 0) + 1);
    return [...counts].sort(([, a], [, b]) => b - a).map(([message, n]) => `${message} (×${n})`);
  }

  private noteError(line: string): void {
    if (!line.startsWith('{"level":5') && !line.startsWith('{"level":6')) return;
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      this.errors.push({ at: Date.now(), message: (entry.err?.message ?? entry.msg ?? line).slice(0, 160) });
      if (this.errors.length > 200) this.errors.splice(0, 100);
    } catch {
      /* not a log line */
    }
  }

  /** Resolves when the child exits; rejects at once if it is gone already. */
  exited(): Promise<never> {
    const child = this.child;
    return new Promise((_, reject) => {
      const fail = () => reject(new Error(`${this.options.name} exited (${child?.exitCode ?? child?.signalCode}):\n${this.tail.slice(-2000)}`));
      if (!child || !this.running) return fail();
      child.once('exit', fail);
    });
  }

  async stop(graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    const gone = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await gone;
    clearTimeout(timer);
  }
}
