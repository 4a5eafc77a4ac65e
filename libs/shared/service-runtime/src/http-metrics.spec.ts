import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { httpMetrics, routeLabel, UNMATCHED_ROUTE } from './http-metrics';
import { Metrics } from './metrics';

describe('routeLabel', () => {
  it('is the route template, below the router it is mounted on', () => {
    expect(routeLabel({ baseUrl: '', route: { path: '/workflows/:id' } })).toBe('/workflows/:id');
    expect(routeLabel({ baseUrl: '/api', route: { path: '/events' } })).toBe('/api/events');
  });

  it('is one label for every request no route took, and for a route that is no plain string', () => {
    expect(routeLabel({ baseUrl: '' })).toBe(UNMATCHED_ROUTE);
    expect(routeLabel({ baseUrl: '', route: { path: /x/ } })).toBe(UNMATCHED_ROUTE);
  });
});

describe('httpMetrics', () => {
  let server: Server;
  let base: string;
  const metrics = new Metrics('test');

  beforeAll(async () => {
    const app = express();
    app.use(httpMetrics(metrics));
    app.get('/workflows/:id', (_req, res) => {
      res.status(200).json({});
    });
    app.post('/events', (_req, res) => {
      res.status(202).json({});
    });
    app.get('/metrics', (_req, res) => {
      res.send('');
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('counts requests by method, route template and status; ids in paths make no series, scrapes are not counted', async () => {
    for (const id of ['wf_1', 'wf_2', 'wf_3']) await (await fetch(`${base}/workflows/${id}`)).text();
    await (await fetch(`${base}/events`, { method: 'POST' })).text();
    await (await fetch(`${base}/no/such/${'x'.repeat(30)}`)).text();
    await (await fetch(`${base}/metrics`)).text();
    // 'finish' comes after the answer's last byte is handed over.
    await new Promise((resolve) => setImmediate(resolve));

    const counts = (await metrics.registry.getSingleMetric('http_server_request_duration_seconds')!.get()).values
      .filter((v) => (v as { metricName?: string }).metricName === 'http_server_request_duration_seconds_count')
      .map((v) => `${v.labels.method} ${v.labels.route} ${v.labels.status_code} ${v.value}`);
    expect(counts.sort()).toEqual(['GET /workflows/:id 200 3', `GET ${UNMATCHED_ROUTE} 404 1`, 'POST /events 202 1']);
  });
});
