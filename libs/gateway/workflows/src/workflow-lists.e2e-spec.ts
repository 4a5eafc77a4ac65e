import { type ApiAnswer, TestPlatform } from '@hookstream/testing';

const workflow = (name: string) => ({
  name,
  conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
  actions: [{ type: 'webhook', url: 'https://example.com/hook' }],
});
const subscription = (i: number) => ({ topic: 'order.created', url: `https://example.com/sub/${i}` });

/**
 * GET /workflows and /api/v1/webhooks answer every one without paging
 * parameters, as Checkout.com and MyCashflow do, and a page at a time with
 * `limit` or `cursor`; a tenant holds at most WORKFLOW_MAX_PER_TENANT
 * workflows and subscriptions together.
 */
describe('workflow lists and the per-tenant workflow cap through the gateway', () => {
  const CAP = 7;
  const platform = new TestPlatform({ label: 'wflists', services: ['gateway', 'workflow-config'], env: { WORKFLOW_MAX_PER_TENANT: String(CAP) } });
  /** The bootstrap tenant's workflows and subscriptions, in creation order. */
  const workflowIds: string[] = [];
  const subscriptionUuids: string[] = [];

  /** Follows an absolute `_links` href on the gateway. */
  const follow = (href: string) => {
    const url = new URL(href);
    return platform.api('GET', `${url.pathname}${url.search}`);
  };

  /** Every page of a list from `first`, following _links.next. */
  async function walk(first: string): Promise<ApiAnswer[]> {
    const pages = [await platform.api('GET', first)];
    for (let page = pages[0]; page.body._links?.next; ) {
      page = await follow(page.body._links.next.href);
      pages.push(page);
    }
    return pages;
  }

  beforeAll(async () => {
    await platform.start();
    for (let i = 0; i < 5; i++) {
      const res = await platform.api('POST', '/workflows', workflow(`listed ${i}`));
      expect(res.status).toBe(201);
      workflowIds.push(res.body.id);
    }
    for (let i = 0; i < 2; i++) {
      const res = await platform.api('POST', '/api/v1/webhooks', subscription(i));
      expect(res.status).toBe(201);
      subscriptionUuids.push(res.body.data.uuid);
    }
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
  }, 30_000);

  it('without paging parameters: every workflow, oldest first, in the shape it always had', async () => {
    const res = await platform.api('GET', '/workflows');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data']);
    expect(res.body.data.map((w: { id: string }) => w.id)).toEqual(workflowIds);
    expect(res.body.data[0]).toEqual({ id: workflowIds[0], name: 'listed 0', active: true, _links: { self: { href: `${platform.url('gateway')}/workflows/${workflowIds[0]}` } } });

    const subscriptions = await platform.api('GET', '/api/v1/webhooks');
    expect(subscriptions.status).toBe(200);
    expect(Object.keys(subscriptions.body)).toEqual(['data']);
    expect(subscriptions.body.data.map((s: { uuid: string }) => s.uuid)).toEqual(subscriptionUuids);
    expect(subscriptions.body.data[0]).toMatchObject({ uuid: subscriptionUuids[0], user_id: expect.any(Number), topic: 'order.created' });
  });

  it('with limit: pages that walk every workflow exactly once, in the same order, each page linking the next', async () => {
    for (const limit of [1, 2, 3, 5, 6]) {
      const pages = await walk(`/workflows?limit=${limit}`);
      expect(pages.every((p) => p.status === 200)).toBe(true);
      expect(pages.flatMap((p) => p.body.data.map((w: { id: string }) => w.id))).toEqual(workflowIds);
      expect(pages.map((p) => p.body.data.length)).toEqual(Array.from({ length: Math.ceil(5 / limit) }, (_, i) => Math.min(limit, 5 - i * limit)));
      for (const page of pages) expect(page.body._links.self).toEqual({ href: `${platform.url('gateway')}/workflows` });
      expect(pages.at(-1)?.body._links.next).toBeUndefined();
      if (pages.length > 1) expect(new URL(pages[0].body._links.next.href).searchParams.get('limit')).toBe(String(limit));
    }
    // A cursor alone pages on with the default limit.
    const first = await platform.api('GET', '/workflows?limit=2');
    const cursor = new URL(first.body._links.next.href).searchParams.get('cursor') ?? '';
    const rest = await platform.api('GET', `/workflows?cursor=${encodeURIComponent(cursor)}`);
    expect(rest.body.data.map((w: { id: string }) => w.id)).toEqual(workflowIds.slice(2));
    expect(rest.body._links.next).toBeUndefined();
  });

  it('MyCashflow subscriptions page the same way, each with its user_id', async () => {
    const pages = await walk('/api/v1/webhooks?limit=1');
    expect(pages.map((p) => p.body.data.map((s: { uuid: string }) => s.uuid))).toEqual(subscriptionUuids.map((uuid) => [uuid]));
    for (const page of pages) expect(page.body.data[0].user_id).toEqual(expect.any(Number));
    expect(pages[0].body._links.self).toEqual({ href: `${platform.url('gateway')}/api/v1/webhooks` });
  });

  it('refuses a bad limit or a cursor it did not issue with 422, on both lists', async () => {
    for (const list of ['/workflows', '/api/v1/webhooks']) {
      for (const query of ['limit=0', 'limit=501', 'limit=ten', 'limit=', 'limit=1&limit=2']) {
        const res = await platform.api('GET', `${list}?${query}`);
        expect({ query, status: res.status, body: res.body }).toMatchObject({ query, status: 422, body: { error_type: 'request_invalid', error_codes: ['limit_invalid'] } });
      }
      for (const cursor of ['nope', '', Buffer.from('2026-01-01T00:00:00.000000Z|wf_x|y').toString('base64url'), 'x'.repeat(5_000)]) {
        const res = await platform.api('GET', `${list}?cursor=${cursor}`);
        expect({ cursor, status: res.status, body: res.body }).toMatchObject({ status: 422, body: { error_codes: ['cursor_invalid'] } });
      }
    }
  });

  it('holds a tenant to its cap, workflows and subscriptions together, with 422 workflows_too_many; another tenant is not held', async () => {
    // 5 workflows and 2 subscriptions: the tenant is at its cap of 7.
    const refused = await platform.api('POST', '/workflows', workflow('one too many'));
    expect({ status: refused.status, body: refused.body }).toMatchObject({ status: 422, body: { error_type: 'request_invalid', error_codes: ['workflows_too_many'] } });
    expect((await platform.api('POST', '/api/v1/webhooks', subscription(9))).body).toMatchObject({ error_codes: ['workflows_too_many'] });
    expect((await platform.api('GET', '/workflows')).body.data).toHaveLength(5);

    // A change to a workflow it holds is no create.
    expect((await platform.api('PATCH', `/workflows/${workflowIds[0]}`, { name: 'renamed at the cap' })).status).toBe(200);

    const other = await platform.admin('POST', '/admin/tenants', { name: 'Other' });
    expect(other.status).toBe(201);
    expect((await platform.api('POST', '/workflows', workflow('elsewhere'), { authorization: `Bearer ${other.body.api_key}` })).status).toBe(201);

    // A delete makes room for one.
    expect((await platform.api('DELETE', `/api/v1/webhooks/${subscriptionUuids[1]}`)).status).toBe(204);
    expect((await platform.api('POST', '/workflows', workflow('in the room made'))).status).toBe(201);
    expect((await platform.api('POST', '/workflows', workflow('one too many again'))).status).toBe(422);
  });
});
