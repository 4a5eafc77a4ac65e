import { createServer, IncomingMessage, RequestListener, Server } from 'node:http';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** What every service serves on its ops port and nowhere else. */
export const SERVICE_OPS_PATHS: readonly string[] = ['/health', '/metrics'];

/** The ops port when OPS_PORT is unset: the service port plus this. */
export const OPS_PORT_OFFSET = 1000;

/** OPS_PORT, or PORT + 1000; never the service port itself, so the split cannot be undone by configuration. */
export function resolveOpsPort(port: number, opsPort: number | undefined): number {
  const resolved = opsPort ?? port + OPS_PORT_OFFSET;
  if (resolved > 65_535) throw new Error(`OPS_PORT: PORT + ${OPS_PORT_OFFSET} is past 65535; set OPS_PORT`);
  if (resolved === port && port !== 0) throw new Error(`OPS_PORT: must differ from PORT (${port})`);
  return resolved;
}

/**
 * Whether a path is one of the ops paths or below one. Express matches routes
 * regardless of case, so this does too: `/ADMIN/tenants` is still an ops path.
 */
export function isOpsPath(path: string, opsPaths: readonly string[]): boolean {
  const lower = path.toLowerCase();
  return opsPaths.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}

/** Nest's own answer to a route it does not have, so a hidden route looks like a missing one. */
export const answerRouteNotFound: RequestHandler = (req, res) => {
  res.status(404).json({ message: `Cannot ${req.method} ${req.path}`, error: 'Not Found', statusCode: 404 });
};

/**
 * The second listener of a service: ops paths are served here and only here,
 * everything else only on the service port. One Express app serves both, so
 * the split is a single middleware in front of every route. Closed on
 * shutdown, after the service port (the pattern Nest documents for more than
 * one server).
 */
@Injectable()
export class OpsListener implements OnApplicationShutdown {
  private readonly opsRequests = new WeakSet<IncomingMessage>();
  private server: Server | undefined;

  /** Answers `answerNotFound` for an ops path on the service port, and for any other path on the ops port. */
  splitByPort(opsPaths: readonly string[], answerNotFound: RequestHandler): RequestHandler {
    return (req: Request, res: Response, next: NextFunction) => {
      if (isOpsPath(req.path, opsPaths) === this.opsRequests.has(req)) return next();
      return answerNotFound(req, res, next);
    };
  }

  async listen(app: RequestListener, port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      this.opsRequests.add(req);
      app(req, res);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return (server.address() as { port: number }).port;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
