import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HttpReceiver, TestPlatform, waitFor } from '@hookstream/testing';

type HttpClient = 'fetch' | 'axios';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the SDK's untyped JSON, checked field by field with expect
type Json = any;

/** What the SDK answered: its parsed JSON, or the error it threw (name, http_code, body). */
type SdkAnswer = { ok: true; value: Json } | { ok: false; name: string; http_code?: number; body?: Json };

// checkout-sdk-node is ESM only (with JSON import attributes), which jest's CommonJS runtime cannot load:
// a child process runs it, one JSON line per call.
const DRIVER = `
import { Checkout } from 'checkout-sdk-node';
import { createInterface } from 'node:readline';
const clients = new Map();
const client = (httpClient, key) => {
  const name = httpClient + ' ' + key;
  if (!clients.has(name)) clients.set(name, new Checkout(key, { host: process.env.SDK_HOST, ...(httpClient === 'axios' ? { httpClient } : {}) }));
  return clients.get(name);
};
const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(client('fetch', 'sk_list').workflows)).filter((m) => m !== 'constructor');
for await (const line of createInterface({ input: process.stdin })) {
  const { id, httpClient, key, method, args } = JSON.parse(line);
  if (method === 'methods') { process.stdout.write(JSON.stringify({ id, ok: true, value: methods }) + '\\n'); continue; }
  const answer = await client(httpClient, key).workflows[method](...args).then(
    (value) => ({ ok: true, value: value ?? null }),
    (err) => ({ ok: false, name: err.name, http_code: err.http_code, body: err.body }),
  );
  process.stdout.write(JSON.stringify({ id, ...answer }) + '\\n');
}
`;

class CheckoutSdk {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending = new Map<number, (answer: SdkAnswer) => void>();
  private nextId = 0;
  /** Every method called, to check none of the SDK's went untried. */
  readonly called = new Set<string>();

  constructor(host: string) {
    this.child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', DRIVER], { env: { ...process.env, SDK_HOST: host } });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const { id, ...answer } = JSON.parse(line) as SdkAnswer & { id: number };
      this.pending.get(id)?.(answer);
      this.pending.delete(id);
    });
  }

  call(httpClient: HttpClient, key: string, method: string, ...args: unknown[]): Promise<SdkAnswer> {
    const id = this.nextId++;
    this.called.add(method);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ id, httpClient, key, method, args })}\n`);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

/**
 * A Checkout.com user points checkout-sdk-node 5.2.1 at the gateway
 * (`new Checkout(key, { host })`): every `cko.workflows.*` method works and
 * answers what it means; two SDK behaviours need the documented way around.
 */
describe('the Checkout.com Node SDK against the gateway', () => {
  const receiver = new HttpReceiver();
  const platform = new TestPlatform({ label: 'sdk', env: { RETRY_TIME_SCALE: '0.001' } });
  const subject = 'pay_sdkflowaaaaaaaaaaaaaaaaaaa';
  let sdk: CheckoutSdk;
  let key: string;
  let workflowId: string;
  let actionId: string;
  let eventId: string;

  /** The default (fetch) client, what `new Checkout(key, { host })` gives. */
  const cko = async (method: string, ...args: unknown[]) => {
    const answer = await sdk.call('fetch', key, method, ...args);
    if (!answer.ok) throw new Error(`${method}: ${JSON.stringify(answer)}`);
    return answer.value;
  };

  const deliveredIds = (path: string) => receiver.on(path).map((r) => (JSON.parse(r.rawBody) as { id: string }).id);

  beforeAll(async () => {
    await receiver.start();
    await platform.start();
    const tenant = await platform.admin('POST', '/admin/tenants', { name: 'SDK user' });
    expect(tenant.status).toBe(201);
    key = tenant.body.api_key;
    sdk = new CheckoutSdk(platform.url('gateway'));
  }, 180_000);

  afterAll(async () => {
    sdk?.stop();
    await platform.stop();
    await receiver.stop();
  }, 60_000);

  it('getEventTypes lists the catalog by source', async () => {
    const sources: { id: string; events: { id: string }[] }[] = await cko('getEventTypes');
    expect(sources.find((s) => s.id === 'gateway')?.events.map((e) => e.id)).toContain('payment_approved');
  });

  it('add, getAll and get: a workflow as Checkout.com answers it', async () => {
    const added = await cko('add', {
      name: 'SDK workflow',
      active: true,
      conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
      actions: [{ type: 'webhook', url: receiver.url('/sdk'), signature: { method: 'HMACSHA256', key: 'sdk-signing-key' } }],
    });
    expect(added.id).toMatch(/^wf_[a-z2-7]{26}$/);
    expect(added._links.self.href).toBe(`${platform.url('gateway')}/workflows/${added.id}`);
    workflowId = added.id;

    expect((await cko('getAll')).data).toEqual([expect.objectContaining({ id: workflowId, name: 'SDK workflow', active: true })]);
    const workflow = await cko('get', workflowId);
    expect(workflow).toMatchObject({ id: workflowId, conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }] });
    expect(workflow.actions).toEqual([expect.objectContaining({ type: 'webhook', url: receiver.url('/sdk'), signature: { method: 'HMACSHA256', key: `sdk-${'*'.repeat(11)}` } })]);
    actionId = workflow.actions[0].id;
  });

  it('patch: with httpClient axios (the default fetch client sends "patch" in lower case, see below)', async () => {
    const patched = await sdk.call('axios', key, 'patch', workflowId, { name: 'SDK workflow, renamed' });
    expect(patched).toEqual({ ok: true, value: expect.objectContaining({ id: workflowId, name: 'SDK workflow, renamed', active: true }) });
  });

  it('addAction, updateAction and removeAction', async () => {
    const added = await cko('addAction', workflowId, {
      type: 'webhook',
      url: receiver.url('/sdk-second'),
      headers: { 'X-Webhook-Token': 'receiver-token' },
    });
    expect(added.id).toMatch(/^wfa_[a-z2-7]{26}$/);
    const updated = await cko('updateAction', workflowId, added.id, { type: 'webhook', url: receiver.url('/sdk-third'), headers: { 'X-Webhook-Token': 'another-token' } });
    expect(updated).toMatchObject({ id: added.id, url: receiver.url('/sdk-third'), headers: { 'X-Webhook-Token': 'anot*********' } });
    expect(await cko('removeAction', workflowId, added.id)).toEqual({});
    expect((await cko('get', workflowId)).actions.map((a: { id: string }) => a.id)).toEqual([actionId]);
  });

  it('addCondition, updateCondition and removeCondition', async () => {
    const added = await cko('addCondition', workflowId, { type: 'entity', entities: ['ent_xyfdshfudosfdshfdiosfds'] });
    expect(added.id).toMatch(/^wfc_[a-z2-7]{26}$/);
    const updated = await cko('updateCondition', workflowId, added.id, { type: 'entity', entities: ['ent_abcdefghijklmnopqrstuvwxyz'] });
    expect(updated).toMatchObject({ id: added.id, type: 'entity', entities: ['ent_abcdefghijklmnopqrstuvwxyz'] });
    expect(await cko('removeCondition', workflowId, added.id)).toEqual({});
    expect((await cko('get', workflowId)).conditions).toEqual([expect.objectContaining({ type: 'event' })]);
  });

  it('test sends a sample event to the action', async () => {
    // The matcher may still be loading the workflow: test until a sample arrives.
    await waitFor(
      async () => {
        expect(await cko('test', workflowId, { event_types: ['payment_approved'] })).toEqual({});
        return waitFor(() => receiver.on('/sdk').some((r) => JSON.parse(r.rawBody).data?.test === true), { timeoutMs: 3000 }).catch(() => false);
      },
      { timeoutMs: 90_000, what: 'a test sample on /sdk' },
    );
  });

  it('getEvent, getActionInvocations and getSubjectEvents tell what happened to a delivered event', async () => {
    const published = await platform.api('POST', '/events', { source: 'gateway', type: 'payment_approved', subject_id: subject, data: { amount: 100 } }, { authorization: key });
    expect(published.status).toBe(202);
    eventId = published.body.id;
    await waitFor(() => deliveredIds('/sdk').includes(eventId), { timeoutMs: 30_000, what: 'the event delivered to /sdk' });

    const event = await waitFor(
      async () => {
        const answer = await sdk.call('fetch', key, 'getEvent', eventId);
        return answer.ok && answer.value.action_invocations?.[0]?.status === 'successful' ? answer.value : undefined;
      },
      { what: 'the event with a successful invocation' },
    );
    expect(event).toMatchObject({
      id: eventId,
      source: 'gateway',
      type: 'payment_approved',
      data: { amount: 100 },
      action_invocations: [{ workflow_id: workflowId, workflow_action_id: actionId, status: 'successful' }],
      _links: { payment: { href: `${platform.url('gateway')}/payments/${subject}` } },
    });

    const invocations = await cko('getActionInvocations', eventId, actionId);
    expect(invocations).toMatchObject({ workflow_id: workflowId, event_id: eventId, workflow_action_id: actionId, action_type: 'webhook', status: 'successful' });
    expect(invocations.action_invocations[0]).toMatchObject({ succeeded: true, final: true, result_details: { status_code: 200, url: receiver.url('/sdk') } });
    expect(invocations.action_invocations[0].invocation_id).toMatch(/^ivc_[a-z2-7]{26}$/);

    const page = await cko('getSubjectEvents', subject);
    expect(page.data).toEqual([expect.objectContaining({ id: eventId, type: 'payment_approved' })]);
  });

  it.each([
    ['reflowByEvent', () => [eventId]],
    ['reflowByEventAndWorkflow', () => [eventId, workflowId]],
    ['reflowEventsByEventAndWorkflowIds', () => [[eventId], [workflowId]]],
    ['reflowEventsBySubjectAndWorkflowIds', () => [[subject], [workflowId]]],
    ['reflowBySubject', () => [subject]],
    ['reflowBySubjectAndWorkflow', () => [subject, workflowId]],
  ])('%s delivers the event again', async (method, args) => {
    const before = deliveredIds('/sdk').filter((id) => id === eventId).length;
    // Checkout answers 202 without a body (the SDK hands back {}); by subject, ours carries the queued reflow to follow.
    const answer = await cko(method, ...args());
    expect(answer).toEqual(method.includes('Subject') ? expect.objectContaining({ id: expect.stringMatching(/^rfl_/), status: 'queued' }) : {});
    await waitFor(() => deliveredIds('/sdk').filter((id) => id === eventId).length > before, { timeoutMs: 30_000, what: `a delivery after ${method}` });
  });

  it('remove deletes the workflow: get then answers NotFoundError', async () => {
    expect(await cko('remove', workflowId)).toEqual({});
    expect(await sdk.call('fetch', key, 'get', workflowId)).toMatchObject({ ok: false, name: 'NotFoundError', http_code: 404 });
  });

  it('has driven every workflows method of the SDK', async () => {
    const methods = await sdk.call('fetch', key, 'methods');
    expect(methods.ok && methods.value.length).toBeGreaterThan(20);
    expect(methods.ok && methods.value.filter((m: string) => !sdk.called.has(m))).toEqual([]);
  });

  describe('known SDK behaviours and their ways around', () => {
    let workflowWithAuth: string;
    let firstAction: string;

    beforeAll(async () => {
      const created = await platform.api('POST', '/workflows', {
        name: 'workarounds',
        conditions: [{ type: 'event', events: { gateway: ['payment_declined'] } }],
        actions: [{ type: 'webhook', url: receiver.url('/unused') }],
      }, { authorization: key });
      expect(created.status).toBe(201);
      workflowWithAuth = created.body.id;
      firstAction = (await cko('get', workflowWithAuth)).actions[0].id;
    });

    it('the default fetch client sends "patch" in lower case, which the HTTP parser refuses: use httpClient axios', async () => {
      expect(await sdk.call('fetch', key, 'patch', workflowWithAuth, { active: false })).toMatchObject({ ok: false, http_code: 400 });
      expect(await sdk.call('axios', key, 'patch', workflowWithAuth, { active: false })).toMatchObject({ ok: true, value: { id: workflowWithAuth, active: false } });
    });

    it('addAction or updateAction with a header named Authorization replaces the API key (401): send that one over plain HTTP', async () => {
      // The SDK merges a body's top-level `headers` into the request's own headers.
      const action = { type: 'webhook', url: receiver.url('/own-auth'), headers: { Authorization: 'Bearer receiver-secret' } };
      for (const httpClient of ['fetch', 'axios'] as const) {
        expect(await sdk.call(httpClient, key, 'addAction', workflowWithAuth, action)).toMatchObject({ ok: false, name: 'AuthenticationError', http_code: 401 });
        expect(await sdk.call(httpClient, key, 'updateAction', workflowWithAuth, firstAction, action)).toMatchObject({ ok: false, name: 'AuthenticationError', http_code: 401 });
      }
      const overHttp = await platform.api('POST', `/workflows/${workflowWithAuth}/actions`, action, { authorization: key });
      expect(overHttp.status).toBe(201);
      const masked = { Authorization: `Bear${'*'.repeat(18)}` };
      expect((await cko('get', workflowWithAuth)).actions).toEqual([expect.objectContaining({ id: firstAction }), expect.objectContaining({ id: overHttp.body.id, headers: masked })]);
      // A workflow's actions are not top-level: add and patch carry their headers safely.
      const added = await cko('add', { name: 'with its own Authorization', conditions: [{ type: 'event', events: { gateway: ['payment_declined'] } }], actions: [action] });
      expect((await cko('get', added.id)).actions).toEqual([expect.objectContaining({ headers: masked })]);
    });
  });
});
