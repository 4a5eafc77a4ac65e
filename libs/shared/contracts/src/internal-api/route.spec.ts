import { internalRoute } from './route';

describe('internalRoute', () => {
  it('gives the caller the pattern the service declares, each parameter encoded', () => {
    const route = internalRoute('internal/events/:eventId/actions/:actionId');
    expect(route.pattern).toBe('internal/events/:eventId/actions/:actionId');
    expect(route.path({ eventId: 'evt_1', actionId: 'wfa/../x?y' })).toBe('/internal/events/evt_1/actions/wfa%2F..%2Fx%3Fy');
  });

  it('adds the query values that are set, encoded', () => {
    const route = internalRoute('internal/subjects/:subjectId/events');
    expect(route.path({ subjectId: 'pay 1' }, { limit: 200, cursor: undefined })).toBe('/internal/subjects/pay%201/events?limit=200');
    expect(internalRoute('internal/events').path({}, { ids: 'evt_a,evt_b&x=1' })).toBe('/internal/events?ids=evt_a%2Cevt_b%26x%3D1');
    expect(internalRoute('internal/event-types').path()).toBe('/internal/event-types');
  });
});
