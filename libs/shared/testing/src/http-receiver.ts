import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** Raw bytes as sent: what signatures are computed over. */
  rawBody: string;
  receivedAt: number;
}

/** How an endpoint answers: a status (with headers/body), after an optional delay, or never. */
export interface ReceiverBehaviour {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
  /** Accept the connection and never answer. */
  blackHole?: boolean;
}

/**
 * A real HTTP server on loopback that records every request. Each path can be
 * given a script of behaviours, consumed one per request (the last repeats).
 */
export class HttpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly scripts = new Map<string, ReceiverBehaviour[]>();
  private readonly hanging = new Set<ServerResponse>();
  private server: Server | undefined;

  /** On loopback unless told otherwise (e.g. the Docker bridge's address, for senders in containers). */
  async start(host = '127.0.0.1'): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server?.listen(0, host, resolve));
    return this;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  url(path = '/'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Behaviours for a path, in order; the last one repeats. */
  script(path: string, ...behaviours: ReceiverBehaviour[]): void {
    this.scripts.set(path, behaviours);
  }

  on(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      this.requests.push({
        method: req.method ?? 'GET',
        path,
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
        rawBody: Buffer.concat(chunks).toString('utf8'),
        receivedAt: Date.now(),
      });
      const script = this.scripts.get(path);
      const behaviour = (script && script.length > 1 ? script.shift() : script?.[0]) ?? {};
      if (behaviour.blackHole) {
        this.hanging.add(res);
        return;
      }
      const answer = () => {
        res.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json', ...behaviour.headers });
        res.end(behaviour.body ?? '{"received":true}');
      };
      if (behaviour.delayMs) setTimeout(answer, behaviour.delayMs);
      else answer();
    });
  }
}
