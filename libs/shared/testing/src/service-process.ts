import { ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { WORKSPACE_ROOT } from './infra';
import { waitFor } from './wait-for';

export interface ServiceProcessOptions {
  /** apps/<name> */
  name: string;
  port: number;
  /** Where /health, /metrics (and the gateway's /docs, /admin) answer; a free port unless given. */
  opsPort?: number;
  env?: Record<string, string>;
  /** Echo the service's logs to this process's stderr (TEST_SERVICE_LOGS=1 does too). */
  showLogs?: boolean;
}

/**
 * A service running as its own process from its sources, as `npm run dev`
 * runs it: tests drive it over HTTP and Kafka and can kill it mid-flight.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private readonly output: string[] = [];
  private opsPort: number | undefined;

  constructor(private readonly options: ServiceProcessOptions) {
    this.opsPort = options.opsPort;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  /** The ops port's base URL; known once start() has begun. */
  get opsUrl(): string {
    if (this.opsPort === undefined) throw new Error(`${this.options.name} has no ops port before start()`);
    return `http://127.0.0.1:${this.opsPort}`;
  }

  get logs(): string {
    return this.output.join('');
  }

  async start(readyTimeoutMs = 60_000): Promise<this> {
    const show = this.options.showLogs || process.env.TEST_SERVICE_LOGS === '1';
    this.output.length = 0;
    this.opsPort ??= await freePort();
    const child = spawn(
      process.execPath,
      ['-r', path.join(WORKSPACE_ROOT, 'tools/ts-register.js'), path.join(WORKSPACE_ROOT, 'apps', this.options.name, 'src/main.ts')],
      {
        cwd: WORKSPACE_ROOT,
        env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'info', PORT: String(this.options.port), ...this.options.env, OPS_PORT: String(this.opsPort) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const collect = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 2000) this.output.splice(0, 1000);
      if (show) process.stderr.write(`[${this.options.name}] ${chunk}`);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.child = child;
    // A service that exits while starting fails the start at once, with its logs.
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${this.options.name} exited with ${code}`))));
    exited.catch(() => undefined);
    try {
      await Promise.race([
        exited,
        waitFor(
          async () => {
            const res = await fetch(`${this.opsUrl}/health/ready`);
            return res.status === 200;
          },
          { timeoutMs: readyTimeoutMs, intervalMs: 200, what: `${this.options.name} to be ready` },
        ),
      ]);
    } catch (err) {
      child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n--- ${this.options.name} logs ---\n${this.logs.slice(-4000)}`);
    }
    return this;
  }

  /** SIGTERM and wait: the service finishes its batch and commits. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** SIGKILL: a crash, nothing finished or committed. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
  }
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
