import { apiPath, nextCursor, withQuery } from './paging';

describe('paging', () => {
  it('follows a _links href on this origin, whatever host the API named', () => {
    expect(apiPath('https://api.example.com/workflows/events?limit=20&cursor=abc')).toBe('/workflows/events?limit=20&cursor=abc');
    expect(apiPath('/workflows')).toBe('/workflows');
    expect(apiPath('javascript:alert(1)')).toBeUndefined();
    expect(apiPath(undefined)).toBeUndefined();
  });

  it('reads the next cursor, if any', () => {
    expect(nextCursor({ next: { href: 'http://x/workflows/events?limit=5&cursor=c%2B1' } })).toBe('c+1');
    expect(nextCursor({})).toBeUndefined();
    expect(nextCursor({ next: { href: 'http://x/workflows/events?limit=5' } })).toBeUndefined();
  });

  it('writes queries without empty values', () => {
    expect(withQuery('/workflows/events', { limit: 20, cursor: undefined, workflow_id: '' })).toBe('/workflows/events?limit=20');
    expect(withQuery('/x', {})).toBe('/x');
    expect(withQuery('/x', { q: 'a&b' })).toBe('/x?q=a%26b');
  });
});
