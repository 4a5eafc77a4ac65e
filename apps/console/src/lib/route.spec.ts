import { parseRoute, routeHref, type Route } from './route';

describe('hash routes', () => {
  it('reads every page and writes it back', () => {
    const routes: Route[] = [
      { page: 'workflows' },
      { page: 'workflow-new' },
      { page: 'workflow', id: 'wf_abc' },
      { page: 'health', id: 'wf_abc' },
      { page: 'events', query: 'pay_123', workflowId: undefined },
      { page: 'event', id: 'evt_abc' },
      { page: 'live', workflowId: 'wf_abc' },
    ];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
    expect(parseRoute('')).toEqual({ page: 'workflows' });
    expect(parseRoute('#/events')).toEqual({ page: 'events', query: undefined, workflowId: undefined });
  });

  it('answers not found for unknown paths and ids that are not ids', () => {
    expect(parseRoute('#/nope')).toMatchObject({ page: 'not-found' });
    expect(parseRoute('#/events/..%2F..%2Fadmin')).toMatchObject({ page: 'not-found' });
    expect(parseRoute('#/workflows/wf_a/health/more')).toMatchObject({ page: 'not-found' });
    expect(parseRoute(`#/events/${'a'.repeat(500)}`)).toMatchObject({ page: 'not-found' });
  });

  it('drops a live filter that is not an id', () => {
    expect(parseRoute('#/live?workflow=<script>')).toEqual({ page: 'live', workflowId: undefined });
  });
});
