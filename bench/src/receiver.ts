// The webhook receiver of the benchmark, in its own process so that its work
// is not charged to the orchestrator: records every request's arrival time,
// webhook-id and path, answers 200 (or fails, delays, black-holes a path when
// told), and reports over a small control API on a port of its own.
//
//   POST /listen {count}                 -> {ports}: more endpoint ports (distinct origins)
//   POST /behaviour {paths, behaviour}   how those paths answer from now on
//   GET  /stats?prefix=/s2&arrivals=1    counts and latencies of paths under a prefix
//                                        (&arrivals=1, &latencies=1: the raw values too)
//   GET  /timeline?bucketMs=1000         deliveries and p99 per bucket over the whole run
//   POST /reset {prefix}                 forgets the paths under a prefix
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointBehaviour, PathStats, ReceiverCounts, ReceiverReady, ReceiverStats, TimelineBucket } from './receiver-api';
import { percentile, summarize } from './stats';

interface PathRecord {
  requests: number;
  held: number;
  /** Requests arrived and not answered yet (delayed or black-holed): the attempts holding a slot in delivery now. */
  open: number;
  seen: Set<string>;
  /** First arrivals only. */
  arrivals: number[];
  latencies: number[];
}

class WebhookReceiver {
  private readonly paths = new Map<string, PathRecord>();
  private readonly behaviours = new Map<string, EndpointBehaviour>();
  private readonly held = new Set<ServerResponse>();
  private readonly servers: Server[] = [];
  /** Every first arrival of the run, for the timeline. */
  private readonly timelineAt: number[] = [];
  private readonly timelineLatency: number[] = [];

  async listen(): Promise<number> {
    const server = createServer((req, res) => this.receive(req, res));
    // Delivery keeps connections alive per origin; do not close them under it.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.requestTimeout = 0;
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  setBehaviour(paths: string[], behaviour: EndpointBehaviour): void {
    for (const path of paths) {
      if (behaviour.mode === 'ok') this.behaviours.delete(path);
      else this.behaviours.set(path, behaviour);
    }
  }

  stats(prefix: string, raw: { arrivals: boolean; latencies: boolean }): ReceiverStats {
    const selected = [...this.paths].filter(([path]) => path.startsWith(prefix));
    const paths: PathStats[] = selected.map(([path, r]) => ({
      path,
      requests: r.requests,
      unique: r.seen.size,
      held: r.held,
      firstAt: r.arrivals.length ? r.arrivals[0] : NaN,
      lastAt: r.arrivals.length ? r.arrivals[r.arrivals.length - 1] : NaN,
    }));
    const arrivals = selected.flatMap(([, r]) => r.arrivals).sort((a, b) => a - b);
    const sum = (f: (p: PathStats) => number) => paths.reduce((acc, p) => acc + f(p), 0);
    const latencies = selected.flatMap(([, r]) => r.latencies);
    return {
      requests: sum((p) => p.requests),
      unique: sum((p) => p.unique),
      duplicates: sum((p) => p.requests - p.held - p.unique),
      held: sum((p) => p.held),
      firstAt: arrivals.length ? arrivals[0] : NaN,
      lastAt: arrivals.length ? arrivals[arrivals.length - 1] : NaN,
      latency: summarize(latencies),
      paths,
      ...(raw.arrivals ? { arrivals } : {}),
      ...(raw.latencies ? { latencies } : {}),
    };
  }

  counts(prefix: string): ReceiverCounts {
    const out = { unique: 0, requests: 0, held: 0, open: 0 };
    for (const [path, r] of this.paths) {
      if (!path.startsWith(prefix)) continue;
      out.unique += r.seen.size;
      out.requests += r.requests;
      out.held += r.held;
      out.open += r.open;
    }
    return out;
  }

  timeline(bucketMs: number): TimelineBucket[] {
    if (this.timelineAt.length === 0) return [];
    const start = Math.floor(this.timelineAt[0] / bucketMs) * bucketMs;
    const buckets = new Map<number, number[]>();
    this.timelineAt.forEach((at, i) => {
      const t = start + Math.floor((at - start) / bucketMs) * bucketMs;
      let latencies = buckets.get(t);
      if (!latencies) buckets.set(t, (latencies = []));
      latencies.push(this.timelineLatency[i]);
    });
    return [...buckets]
      .sort(([a], [b]) => a - b)
      .map(([t, latencies]) => ({ t, count: latencies.length, p99: percentile(Float64Array.from(latencies).sort(), 99) }));
  }

  reset(prefix: string): void {
    for (const path of [...this.paths.keys()]) if (path.startsWith(prefix)) this.paths.delete(path);
  }

  close(): void {
    for (const res of this.held) res.destroy();
    for (const server of this.servers) server.closeAllConnections();
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const path = (req.url ?? '/').split('?')[0];
      const behaviour = this.behaviours.get(path);
      const r = this.record(path, at, req.headers['webhook-id'], chunks, behaviour?.mode === 'blackhole');
      if (!behaviour) return answer(res, 200);
      switch (behaviour.mode) {
        case 'blackhole':
          r.open++;
          this.held.add(res);
          res.on('close', () => {
            r.open--;
            this.held.delete(res);
          });
          return;
        case 'fail':
          return answer(res, behaviour.status ?? 500);
        case 'delay':
          r.open++;
          setTimeout(() => {
            r.open--;
            answer(res, 200);
          }, behaviour.delayMs ?? 0);
          return;
        default:
          return answer(res, 200);
      }
    });
  }

  private record(path: string, at: number, webhookId: string | string[] | undefined, chunks: Buffer[], held: boolean): PathRecord {
    let r = this.paths.get(path);
    if (!r) this.paths.set(path, (r = { requests: 0, held: 0, open: 0, seen: new Set(), arrivals: [], latencies: [] }));
    r.requests++;
    if (held) {
      r.held++;
      return r;
    }
    const body = parseBody(chunks);
    const id = typeof webhookId === 'string' ? webhookId : String(body?.id ?? '');
    if (r.seen.has(id)) return r;
    r.seen.add(id);
    const sentAt = Number((body?.data as { sent_at_ms?: unknown } | undefined)?.sent_at_ms);
    const latency = Number.isFinite(sentAt) ? at - sentAt : NaN;
    r.arrivals.push(at);
    if (!Number.isNaN(latency)) r.latencies.push(latency);
    this.timelineAt.push(at);
    this.timelineLatency.push(latency);
    return r;
  }
}

function parseBody(chunks: Buffer[]): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function answer(res: ServerResponse, status: number, body = '{"received":true}'): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
}

async function main(): Promise<void> {
  const receiver = new WebhookReceiver();
  const endpoint = await receiver.listen();
  const control = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const reply = (value: unknown) => answer(res, 200, JSON.stringify(value));
    const route = async () => {
      if (req.method === 'POST' && url.pathname === '/listen') {
        const { count } = (await readJson(req)) as { count: number };
        const ports: number[] = [];
        for (let i = 0; i < count; i++) ports.push(await receiver.listen());
        return reply({ ports });
      }
      if (req.method === 'POST' && url.pathname === '/behaviour') {
        const { paths, behaviour } = (await readJson(req)) as { paths: string[]; behaviour: EndpointBehaviour };
        receiver.setBehaviour(paths, behaviour);
        return reply({ ok: true });
      }
      if (req.method === 'POST' && url.pathname === '/reset') {
        const { prefix } = (await readJson(req)) as { prefix: string };
        receiver.reset(prefix);
        return reply({ ok: true });
      }
      if (req.method === 'GET' && url.pathname === '/stats') {
        const prefix = url.searchParams.get('prefix') ?? '/';
        if (url.searchParams.get('light') === '1') return reply(receiver.counts(prefix));
        return reply(receiver.stats(prefix, { arrivals: url.searchParams.get('arrivals') === '1', latencies: url.searchParams.get('latencies') === '1' }));
      }
      if (req.method === 'GET' && url.pathname === '/timeline') {
        return reply(receiver.timeline(Number(url.searchParams.get('bucketMs') ?? 1000)));
      }
      answer(res, 404, '{"error":"no such control route"}');
    };
    route().catch((err: unknown) => answer(res, 500, JSON.stringify({ error: (err as Error).message })));
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const ready: ReceiverReady = { control: (control.address() as AddressInfo).port, endpoint };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  const stop = () => {
    receiver.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
