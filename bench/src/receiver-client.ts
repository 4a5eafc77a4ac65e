import path from 'node:path';
import { BenchChild } from './child-process';
import type { EndpointBehaviour, ReceiverCounts, ReceiverReady, ReceiverStats, TimelineBucket } from './receiver-api';

/** Starts the receiver process and talks to its control API. */
export class ReceiverClient {
  private ready: ReceiverReady | undefined;
  readonly child: BenchChild;

  constructor(root: string, logDir: string) {
    this.child = new BenchChild({
      name: 'receiver',
      args: ['-r', path.join(root, 'tools/ts-register.js'), path.join(root, 'bench/src/receiver.ts')],
      env: { ...process.env } as Record<string, string>,
      cwd: root,
      logFile: path.join(logDir, 'receiver.log'),
    });
  }

  async start(): Promise<this> {
    const announced = new Promise<ReceiverReady>((resolve) =>
      this.child.start((line) => {
        if (line.startsWith('{"control"')) resolve(JSON.parse(line) as ReceiverReady);
      }),
    );
    this.ready = await Promise.race([announced, this.child.exited()]);
    return this;
  }

  /** A URL on the receiver's first endpoint port, or on a given one. */
  url(path: string, port = this.ready?.endpoint): string {
    return `http://127.0.0.1:${port}${path}`;
  }

  /** Opens more endpoint ports: each is an origin of its own (its own breaker and connection pool in delivery). */
  async listen(count: number): Promise<number[]> {
    return (await this.call<{ ports: number[] }>('POST', '/listen', { count })).ports;
  }

  async behave(paths: string[], behaviour: EndpointBehaviour): Promise<void> {
    await this.call('POST', '/behaviour', { paths, behaviour });
  }

  /** Counts and latency percentiles under a prefix; with the raw arrival times or latencies when asked. */
  async stats(prefix: string, options: { arrivals?: boolean; latencies?: boolean } = {}): Promise<ReceiverStats> {
    return this.call('GET', `/stats?prefix=${encodeURIComponent(prefix)}${options.arrivals ? '&arrivals=1' : ''}${options.latencies ? '&latencies=1' : ''}`);
  }

  /** Counts only: cheap enough to poll while deliveries pour in. */
  async count(prefix: string): Promise<ReceiverCounts> {
    return this.call('GET', `/stats?prefix=${encodeURIComponent(prefix)}&light=1`);
  }

  async timeline(bucketMs: number): Promise<TimelineBucket[]> {
    return this.call('GET', `/timeline?bucketMs=${bucketMs}`);
  }

  async reset(prefix: string): Promise<void> {
    await this.call('POST', '/reset', { prefix });
  }

  async stop(): Promise<void> {
    await this.child.stop(5_000);
  }

  private async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    const res = await fetch(`http://127.0.0.1:${this.ready?.control}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`receiver ${method} ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}
