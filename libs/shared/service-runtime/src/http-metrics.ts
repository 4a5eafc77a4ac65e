import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Metrics } from './metrics';
import { isOpsPath, SERVICE_OPS_PATHS } from './ops-port';

/** The route label of a request no route took (a 404, a wrong port): one series for them all, whatever their paths. */
export const UNMATCHED_ROUTE = 'unmatched';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The route template that answered a request (`/workflows/:id`), never the
 * raw path, which holds ids and would make a series per request.
 */
export function routeLabel(req: Pick<Request, 'baseUrl'> & { route?: { path?: unknown } }): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` || '/' : UNMATCHED_ROUTE;
}

/**
 * Times every request but the probes and scrapes (/health, /metrics) into
 * `http_server_request_duration_seconds{method,route,status_code}`, the
 * OpenTelemetry semantic name, whose `_count` is the request rate.
 */
export function httpMetrics(metrics: Metrics): RequestHandler {
  const duration = metrics.histogram('http_server_request_duration_seconds', 'HTTP requests served, by method, route template and status code', ['method', 'route', 'status_code'], BUCKETS);
  return (req: Request, res: Response, next: NextFunction) => {
    if (isOpsPath(req.path, SERVICE_OPS_PATHS)) return next();
    const started = performance.now();
    res.once('finish', () => {
      duration.observe({ method: req.method, route: routeLabel(req), status_code: String(res.statusCode) }, (performance.now() - started) / 1000);
    });
    next();
  };
}
