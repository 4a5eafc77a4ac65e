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
            // Exited: the race has failed already; stop polling rather than hold the test run until the timeout.
            if (child.exitCode !== null || child.signalCode !== null) return true;
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

/**
 * Ports tests hand to services: below Linux's ephemeral range (32768+), where
 * the kernel picks the local port of every outgoing connection. A port found
 * free by listening on 0 is itself ephemeral, so a connection made before
 * the service binds it could take it (EADDRINUSE, a flaky start).
 */
const TEST_PORTS = { from: 20_000, to: 32_000 } as const;
const handedOut = new Set<number>();

/** A TCP port free on every interface now, not handed out before by this process, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = TEST_PORTS.from + Math.floor(Math.random() * (TEST_PORTS.to - TEST_PORTS.from));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${TEST_PORTS.from} and ${TEST_PORTS.to}`);
}

async function canListen(port: number): Promise<boolean> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
  });
}
