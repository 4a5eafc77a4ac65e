import { randomBytes } from 'node:crypto';
import { type ApiAnswer, HttpReceiver, TestPlatform, waitFor } from '@hookstream/testing';

/** A history entry as the gateway answers it. */
interface Entry {
  version: number;
  type: string;
  occurred_at: string;
  actor: { type: string; id: string | null };
  request_id: string | null;
  changes: { field: string; from?: unknown; to?: unknown }[];
}

/**
 * Every change to a workflow is recorded with who made it (which API key,
 * or the platform), in which request, at which version and what it changed
 * field by field, secrets masked; the history reads back newest first, a
 * page at a time, and only for the workflow's tenant. An event's page names
 * the version of the workflow that matched it.
 */
describe('workflow history through the gateway', () => {
  const receiver = new HttpReceiver();
  // Its own origin: the receiver that answers 410 has a breaker of its own.
  const goneReceiver = new HttpReceiver();
  const platform = new TestPlatform({ label: 'history' });
  const CHANNEL = 'pc_history';
  /** The bootstrap key (A) and a second key of the same tenant (B). */
  let keyA: { id: string; api_key: string };
  let keyB: { id: string; api_key: string };

  const as = (key: { api_key: string }, method: string, path: string, body?: unknown) => platform.api(method, path, body, { authorization: `Bearer ${key.api_key}` });
  const requestId = (res: ApiAnswer) => res.headers.get('cko-request-id');
  /** Follows an absolute `_links` href on the gateway. */
  const follow = (key: { api_key: string }, href: string) => {
    const url = new URL(href);
    return as(key, 'GET', `${url.pathname}${url.search}`);
  };

  /** The whole history, newest first, one page at a time; each page's size too. */
  async function walk(workflowId: string, limit: number): Promise<{ entries: Entry[]; sizes: number[] }> {
    const entries: Entry[] = [];
    const sizes: number[] = [];
    let page = await as(keyA, 'GET', `/workflows/${workflowId}/history?limit=${limit}`);
    for (;;) {
      expect(page.status).toBe(200);
      entries.push(...(page.body.data as Entry[]));
      sizes.push(page.body.data.length);
      if (!page.body._links.next) return { entries, sizes };
      page = await follow(keyA, page.body._links.next.href);
    }
  }

  let workflowId: string;
  let firstActionId: string;
  let headerActionId: string;
  let conditionId: string;
  const headerValue = `hdr-${randomBytes(12).toString('hex')}`;
  /** The whsec_ secrets of the header action, before and after its rotation. */
  const whsecs: string[] = [];
  /** Per version, who made it and in which request, as the API answered it. */
  const made = new Map<number, { key: { id: string }; requestId: string | null }>();

  beforeAll(async () => {
    await receiver.start();
    await goneReceiver.start();
    await platform.start();
    const created = await platform.admin('POST', `/admin/tenants/${platform.tenantId}/keys`);
    expect(created.status).toBe(201);
    keyB = { id: created.body.id, api_key: created.body.api_key };
    const keys = await platform.admin('GET', `/admin/tenants/${platform.tenantId}/keys`);
    const bootstrap = keys.body.data.find((k: { id: string }) => k.id !== keyB.id);
    keyA = { id: bootstrap.id, api_key: platform.apiKey };
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
    await receiver.stop();
    await goneReceiver.stop();
  }, 60_000);

  it('records seven changes made five ways by two keys, each with its key, request, version and field-level diff, secrets masked', async () => {
    const record = (version: number, key: { id: string }, res: ApiAnswer) => made.set(version, { key, requestId: requestId(res) });

    const create = await as(keyA, 'POST', '/workflows', {
      name: 'history',
      conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
      actions: [{ type: 'webhook', url: receiver.url('/first') }],
    });
    expect(create.status).toBe(201);
    workflowId = create.body.id;
    record(1, keyA, create);
    firstActionId = (await as(keyA, 'GET', `/workflows/${workflowId}`)).body.actions[0].id;

    const rename = await as(keyB, 'PATCH', `/workflows/${workflowId}`, { name: 'renamed' });
    expect(rename.status).toBe(200);
    record(2, keyB, rename);

    const headers = { 'X-Api-Key': headerValue };
    const addAction = await as(keyA, 'POST', `/workflows/${workflowId}/actions`, { type: 'webhook', url: goneReceiver.url('/before'), headers });
    expect(addAction.status).toBe(201);
    headerActionId = addAction.body.id;
    record(3, keyA, addAction);

    const moveAction = await as(keyB, 'PUT', `/workflows/${workflowId}/actions/${headerActionId}`, { type: 'webhook', url: goneReceiver.url('/gone'), headers });
    expect(moveAction.status).toBe(200);
    record(4, keyB, moveAction);

    const addCondition = await as(keyA, 'POST', `/workflows/${workflowId}/conditions`, { type: 'processing_channel', processing_channels: [CHANNEL] });
    expect(addCondition.status).toBe(201);
    conditionId = addCondition.body.id;
    record(5, keyA, addCondition);

    const secretPath = `/workflows/${workflowId}/actions/${headerActionId}/secret`;
    whsecs.push((await as(keyA, 'GET', secretPath)).body.secret);
    const rotate = await as(keyB, 'POST', `${secretPath}/rotate`);
    expect(rotate.status).toBe(200);
    whsecs.push(rotate.body.secret);
    record(6, keyB, rotate);

    const deactivate = await as(keyA, 'PATCH', `/workflows/${workflowId}`, { active: false });
    expect(deactivate.status).toBe(200);
    record(7, keyA, deactivate);

    const history = await as(keyA, 'GET', `/workflows/${workflowId}/history`);
    expect(history.status).toBe(200);
    const entries = history.body.data as Entry[];
    expect(history.body._links).toEqual({ self: { href: `${platform.url('gateway')}/workflows/${workflowId}/history` } });
    expect(entries.map((e) => [e.version, e.type])).toEqual([
      [7, 'workflow.deactivated'],
      [6, 'secret.rotated'],
      [5, 'condition.added'],
      [4, 'action.updated'],
      [3, 'action.added'],
      [2, 'workflow.renamed'],
      [1, 'workflow.created'],
    ]);
    for (const entry of entries) {
      const { key, requestId: id } = made.get(entry.version)!;
      expect({ version: entry.version, actor: entry.actor, request_id: entry.request_id }).toEqual({ version: entry.version, actor: { type: 'api_key', id: key.id }, request_id: id });
      expect(id).toEqual(expect.any(String));
      expect(Date.parse(entry.occurred_at)).not.toBeNaN();
    }
    // Newest first in time as in version.
    expect(entries.map((e) => e.occurred_at)).toEqual([...entries.map((e) => e.occurred_at)].sort().reverse());

    const byVersion = new Map(entries.map((e) => [e.version, e.changes]));
    expect(byVersion.get(1)).toEqual(expect.arrayContaining([{ field: 'name', to: 'history' }, expect.objectContaining({ field: `actions[${firstActionId}]` })]));
    expect(byVersion.get(2)).toEqual([{ field: 'name', from: 'history', to: 'renamed' }]);
    expect(byVersion.get(3)).toEqual([
      { field: `actions[${headerActionId}]`, to: expect.objectContaining({ id: headerActionId, url: goneReceiver.url('/before'), headers: { 'X-Api-Key': expect.any(String) } }) },
    ]);
    expect(byVersion.get(4)).toEqual([{ field: `actions[${headerActionId}].url`, from: goneReceiver.url('/before'), to: goneReceiver.url('/gone') }]);
    expect(byVersion.get(5)).toEqual([{ field: `conditions[${conditionId}]`, to: expect.objectContaining({ type: 'processing_channel', processing_channels: [CHANNEL] }) }]);
    const rotated = byVersion.get(6)!;
    expect(rotated.every((c) => c.field.startsWith(`actions[${headerActionId}].`))).toBe(true);
    const secrets = rotated.find((c) => c.field === `actions[${headerActionId}].signing_secrets`);
    expect(secrets).toEqual({ field: `actions[${headerActionId}].signing_secrets`, from: [expect.any(String)], to: [expect.any(String), expect.any(String)] });
    expect(byVersion.get(7)).toEqual([{ field: 'active', from: true, to: false }]);

    // Nothing of a secret in clear: not the header's value, not a whsec_ secret nor its key material.
    const text = JSON.stringify(history.body);
    expect(whsecs).toEqual([expect.stringMatching(/^whsec_/), expect.stringMatching(/^whsec_/)]);
    for (const secret of [headerValue, ...whsecs, ...whsecs.map((s) => s.slice('whsec_'.length))]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/whsec_[A-Za-z0-9+/=]{4,}/);
    expect(text).not.toContain(headerValue.slice(4, 12));
  }, 60_000);

  it('pages with limit=2 through every entry, newest first, and refuses a bad limit or cursor', async () => {
    const whole = (await as(keyA, 'GET', `/workflows/${workflowId}/history?limit=100`)).body.data;
    const { entries, sizes } = await walk(workflowId, 2);
    expect(sizes).toEqual([2, 2, 2, 1]);
    expect(entries).toEqual(whole);
    expect(entries.map((e) => e.version)).toEqual([7, 6, 5, 4, 3, 2, 1]);

    for (const query of ['limit=0', 'limit=101', 'limit=two']) {
      const res = await as(keyA, 'GET', `/workflows/${workflowId}/history?${query}`);
      expect({ query, status: res.status, codes: res.body.error_codes }).toEqual({ query, status: 422, codes: ['limit_invalid'] });
    }
    const garbage = await as(keyA, 'GET', `/workflows/${workflowId}/history?cursor=garbage!`);
    expect({ status: garbage.status, codes: garbage.body.error_codes }).toEqual({ status: 422, codes: ['cursor_invalid'] });
  }, 30_000);

  it("is another tenant's 404, as is a workflow that never was", async () => {
    const other = await platform.admin('POST', '/admin/tenants', { name: 'Another' });
    expect(other.status).toBe(201);
    const res = await as(other.body, 'GET', `/workflows/${workflowId}/history`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(headerActionId);
    expect((await as(other.body, 'POST', `/workflows/${workflowId}/actions/${headerActionId}/enable`)).status).toBe(404);
    expect((await as(keyA, 'GET', `/workflows/wf_${'a'.repeat(26)}/history`)).status).toBe(404);
  }, 30_000);

  it('records a 410 from a receiver as the platform disabling the endpoint and its re-enabling as the key that asked; the event page names the version that matched', async () => {
    receiver.script('/first', { status: 200 });
    goneReceiver.script('/gone', { status: 410 });
    const activate = await as(keyA, 'PATCH', `/workflows/${workflowId}`, { active: true });
    expect(activate.status).toBe(200);
    const activated = (await as(keyA, 'GET', `/workflows/${workflowId}/history?limit=1`)).body.data[0] as Entry;
    expect(activated).toMatchObject({ version: 8, type: 'workflow.activated', actor: { type: 'api_key', id: keyA.id }, request_id: requestId(activate) });

    // The matcher loads the new version from the config topic: publish until the gone receiver is called.
    await waitFor(
      async () => {
        const res = await as(keyA, 'POST', '/events', {
          source: 'gateway',
          type: 'payment_approved',
          subject_id: `pay_${randomBytes(8).toString('hex')}`,
          processing_channel_id: CHANNEL,
          data: { amount: 100 },
        });
        expect(res.status).toBe(202);
        return waitFor(() => goneReceiver.on('/gone').length > 0, { timeoutMs: 3_000 }).catch(() => false);
      },
      { timeoutMs: 60_000, what: 'a delivery to the receiver that answers 410' },
    );
    const eventId = (JSON.parse(goneReceiver.on('/gone')[0].rawBody) as { id: string }).id;

    const disabled = await waitFor(async () => {
      const entries = (await as(keyA, 'GET', `/workflows/${workflowId}/history`)).body.data as Entry[];
      return entries.find((e) => e.type === 'endpoint.disabled');
    }, { what: 'endpoint.disabled in the history' });
    expect(disabled).toMatchObject({ version: 9, actor: { type: 'platform' }, request_id: null });
    expect(disabled.changes).toContainEqual(expect.objectContaining({ field: `actions[${headerActionId}].disabled_at`, to: expect.any(String) }));
    const action = (await as(keyA, 'GET', `/workflows/${workflowId}`)).body.actions.find((a: { id: string }) => a.id === headerActionId);
    expect(action.disabled_at).toEqual(expect.any(String));

    const enable = await as(keyB, 'POST', `/workflows/${workflowId}/actions/${headerActionId}/enable`);
    expect(enable.status).toBe(200);
    expect(enable.body).toMatchObject({ id: headerActionId, url: goneReceiver.url('/gone'), disabled_at: null, _links: { self: { href: expect.any(String) } } });
    expect(enable.body.headers['X-Api-Key']).not.toBe(headerValue);
    const enabled = (await as(keyA, 'GET', `/workflows/${workflowId}/history?limit=1`)).body.data[0] as Entry;
    expect(enabled).toMatchObject({ version: disabled.version + 1, type: 'endpoint.enabled', actor: { type: 'api_key', id: keyB.id }, request_id: requestId(enable) });
    expect(enabled.changes.map((c) => c.field)).toContain(`actions[${headerActionId}].disabled_at`);
    expect((await as(keyB, 'POST', `/workflows/${workflowId}/actions/wfa_${'a'.repeat(26)}/enable`)).status).toBe(404);

    // Both actions were invoked for the event by version 8, the one that matched it.
    const page = await waitFor(async () => {
      const res = await as(keyA, 'GET', `/workflows/events/${eventId}`);
      const invocations = res.body?.action_invocations ?? [];
      return invocations.length === 2 && invocations.every((i: { status: string }) => i.status !== 'pending') ? res.body : undefined;
    }, { what: 'the event page with both invocations settled' });
    const invocations = new Map<string, { status: string; workflow_version: number }>(page.action_invocations.map((i: { workflow_action_id: string }) => [i.workflow_action_id, i]));
    expect(invocations.get(firstActionId)).toMatchObject({ workflow_id: workflowId, status: 'successful', workflow_version: activated.version });
    expect(invocations.get(headerActionId)).toMatchObject({ workflow_id: workflowId, status: 'failed', workflow_version: activated.version });
    const gone = await as(keyA, 'GET', `/workflows/events/${eventId}/actions/${headerActionId}`);
    expect(gone.body).toMatchObject({ workflow_version: activated.version, action_invocations: [{ workflow_version: activated.version, result_details: { status_code: 410 } }] });
  }, 120_000);
});
