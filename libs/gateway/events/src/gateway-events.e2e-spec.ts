import { newId } from '@hookstream/contracts';
import { HttpReceiver, TestPlatform, waitFor } from '@hookstream/testing';

/**
 * The whole pipeline through the public API: producer event in, webhook out,
 * then what the events API says about it; test and every reflow form.
 */
describe('events API end to end', () => {
  const receiver = new HttpReceiver();
  // 0.001: Checkout's 5 min first retry becomes 300 ms. Reflows: at most 25 events a request, 10 a second (pages of 10).
  const platform = new TestPlatform({ label: 'events', env: { RETRY_TIME_SCALE: '0.001', REFLOW_MAX_EVENTS: '25', REFLOW_EVENTS_PER_SECOND: '10' } });
  let reflowPath: string;
  let workflowId: string;
  let flakyWorkflowId: string;

  const createWorkflow = async (name: string, path: string, types: string[]) => {
    const res = await platform.api('POST', '/workflows', {
      name,
      conditions: [{ type: 'event', events: { gateway: types } }],
      actions: [{ type: 'webhook', url: receiver.url(path), signature: { method: 'HMACSHA256', key: 'public-signing-key' } }],
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const publish = async (type: string, subjectId: string): Promise<string> => {
    const res = await platform.api('POST', '/events', { source: 'gateway', type, subject_id: subjectId, data: { amount: 100, currency: 'EUR' } });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };

  const bodiesOn = (path: string) => receiver.on(path).map((r) => JSON.parse(r.rawBody) as { id: string; data: Record<string, unknown> });

  beforeAll(async () => {
    await receiver.start();
    await platform.start();
    workflowId = await createWorkflow('approved', '/ok', ['payment_approved', 'payment_captured']);
    flakyWorkflowId = await createWorkflow('flaky', '/flaky', ['payment_declined']);
  }, 180_000);

  afterAll(async () => {
    await platform.stop();
    await receiver.stop();
  }, 60_000);

  it('delivers a published event and shows it in the event, subject and invocation views', async () => {
    // The matcher may still be loading the new workflows: publish until one is delivered.
    const subject = 'pay_e2eviews0000000000000000';
    const eventId = await waitFor(
      async () => {
        const id = await publish('payment_approved', subject);
        return waitFor(() => bodiesOn('/ok').some((b) => b.id === id) && id, { timeoutMs: 3000 }).catch(() => undefined);
      },
      // Generous: the matcher joins its groups and loads its index while the machine is busy.
      { timeoutMs: 90_000, what: 'the first delivery' },
    );

    const event = await waitFor(async () => {
      const res = await platform.api('GET', `/workflows/events/${eventId}`);
      return res.status === 200 && res.body.action_invocations?.[0]?.status === 'successful' ? res.body : undefined;
    }, { what: 'the event view with a successful invocation' });
    expect(event).toMatchObject({ id: eventId, source: 'gateway', type: 'payment_approved', data: { amount: 100 } });
    expect(event.action_invocations[0]).toMatchObject({ workflow_id: workflowId, status: 'successful' });
    expect(event._links.payment.href).toMatch(new RegExp(`/payments/${subject}$`));

    const subjectView = await platform.api('GET', `/workflows/events/subject/${subject}`);
    expect(subjectView.status).toBe(200);
    expect(subjectView.body.data.map((e: { id: string }) => e.id)).toContain(eventId);
    expect(subjectView.body.data[0]).toMatchObject({ type: 'payment_approved', _links: { self: { href: expect.stringMatching(/\/workflows\/events\/evt_/) } } });

    // Newest first, a page at a time.
    const later = await publish('payment_captured', subject);
    const firstPage = await waitFor(async () => {
      const res = await platform.api('GET', `/workflows/events/subject/${subject}?limit=1`);
      return res.body.data?.[0]?.id === later ? res.body : undefined;
    }, { what: 'the later event first in the subject' });
    expect(firstPage.data).toHaveLength(1);
    const next = await platform.api('GET', new URL(firstPage._links.next.href).pathname + new URL(firstPage._links.next.href).search);
    expect(next.status).toBe(200);
    expect(next.body.data).toHaveLength(1);
    expect(next.body.data[0].id).not.toBe(later);
    expect((await platform.api('GET', `/workflows/events/subject/${subject}?cursor=nonsense`)).status).toBe(422);

    const actionId = event.action_invocations[0].workflow_action_id;
    const invocation = await platform.api('GET', `/workflows/events/${eventId}/actions/${actionId}`);
    expect(invocation.status).toBe(200);
    expect(invocation.body).toMatchObject({ event_id: eventId, workflow_id: workflowId, action_type: 'webhook', status: 'successful' });
    const [attempt] = invocation.body.action_invocations;
    expect(attempt).toMatchObject({ retry: false, succeeded: true, final: true, result_details: { status_code: 200, url: receiver.url('/ok') } });
    expect(Object.keys(attempt.result_details.headers).map((h) => h.toLowerCase())).toContain('webhook-id');
    expect(JSON.stringify(attempt.result_details.headers)).not.toContain('public-signing-key');

    expect((await platform.api('GET', '/workflows/events/evt_aaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await platform.api('GET', '/workflows/events/subject/pay_nobodyatall')).status).toBe(404);
  }, 150_000);

  it('records retry and final flags for a receiver that fails twice, then succeeds', async () => {
    receiver.script('/flaky', { status: 500 }, { status: 503 }, { status: 200 });
    const eventId = await publish('payment_declined', 'pay_e2eflaky000000000000000');
    const invocation = await waitFor(async () => {
      const event = await platform.api('GET', `/workflows/events/${eventId}`);
      const actionId = event.body.action_invocations?.[0]?.workflow_action_id;
      if (!actionId) return undefined;
      const res = await platform.api('GET', `/workflows/events/${eventId}/actions/${actionId}`);
      return res.body.status === 'successful' ? res.body : undefined;
    }, { timeoutMs: 30_000, what: 'the flaky invocation to succeed' });
    expect(invocation.workflow_id).toBe(flakyWorkflowId);
    const attempts = invocation.action_invocations as { retry: boolean; succeeded: boolean; final: boolean; result_details: { status_code: number } }[];
    expect(attempts.map((a) => a.result_details.status_code)).toEqual([500, 503, 200]);
    expect(attempts.map((a) => a.retry)).toEqual([false, true, true]);
    expect(attempts.map((a) => a.succeeded)).toEqual([false, false, true]);
    expect(attempts.map((a) => a.final)).toEqual([false, false, true]);
  }, 60_000);

  it('sends a flagged sample through the workflow on test, shows its delivery, and refuses types it does not listen to', async () => {
    expect((await platform.api('POST', `/workflows/${workflowId}/test`, { event_types: ['payment_captured'] })).status).toBe(204);
    const sample = await waitFor(() => bodiesOn('/ok').find((b) => b.data.test === true), { what: 'the test delivery' });
    expect(sample).toMatchObject({ type: 'payment_captured', data: { test: true } });
    const stored = await waitFor(async () => {
      const res = await platform.api('GET', `/workflows/events/${sample.id}`);
      return res.body.action_invocations?.[0]?.status === 'successful' ? res.body : undefined;
    }, { what: 'the test sample in the events API' });
    expect(stored).toMatchObject({ id: sample.id, type: 'payment_captured', data: { test: true } });
    expect(stored.action_invocations).toEqual([expect.objectContaining({ workflow_id: workflowId })]);

    const wrong = await platform.api('POST', `/workflows/${workflowId}/test`, { event_types: ['dispute_won'] });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error_codes).toContain('event_types_invalid');
    const unknown = await platform.api('POST', `/workflows/${workflowId}/test`, { event_types: ['payment_captured', 'no_such_type'] });
    expect(unknown.body.error_codes).toEqual(['event_types_invalid']);
    expect((await platform.api('POST', '/workflows/wf_aaaaaaaaaaaaaaaaaaaaaaaaaa/test', { event_types: ['payment_approved'] })).status).toBe(404);
  }, 60_000);

  it('shapes test samples to pass the workflow’s entity and processing channel conditions', async () => {
    const res = await platform.api('POST', '/workflows', {
      name: 'one entity, one channel',
      conditions: [
        { type: 'event', events: { gateway: ['payment_refunded'] } },
        { type: 'entity', entities: ['ent_e2etestentity'] },
        { type: 'processing_channel', processing_channels: ['pc_e2etestchannel'] },
      ],
      actions: [{ type: 'webhook', url: receiver.url('/narrow') }],
    });
    expect(res.status).toBe(201);
    // The matcher learns of the new workflow from the config topic: test until it has.
    await waitFor(
      async () => {
        expect((await platform.api('POST', `/workflows/${res.body.id}/test`, { event_types: ['payment_refunded'] })).status).toBe(204);
        return waitFor(() => receiver.on('/narrow').length > 0, { timeoutMs: 3000 }).catch(() => undefined);
      },
      { timeoutMs: 30_000, what: 'a test delivery to the narrow workflow' },
    );
    expect(bodiesOn('/narrow')[0]).toMatchObject({ type: 'payment_refunded', data: { test: true } });
  }, 60_000);

  it('delivers again for every reflow form, as new attempts of the same invocation, through every matching workflow or the named one only', async () => {
    // A second workflow for the same type: reflows without workflow ids reach it too.
    const alsoWorkflowId = await createWorkflow('also approved', '/also', ['payment_approved']);
    await waitFor(
      async () => {
        const id = await publish('payment_approved', 'pay_e2ewarmup0000000000000');
        return waitFor(() => bodiesOn('/also').some((b) => b.id === id), { timeoutMs: 3000 }).catch(() => undefined);
      },
      { timeoutMs: 30_000, what: 'the matcher to know the second workflow' },
    );
    const subject = 'pay_e2ereflow00000000000000';
    const eventId = await publish('payment_approved', subject);
    const deliveries = (path: string) => receiver.on(path).filter((r) => (JSON.parse(r.rawBody) as { id: string }).id === eventId);
    await waitFor(() => deliveries('/ok').length === 1 && deliveries('/also').length === 1, { what: 'the original deliveries' });
    // Reflow reads the stored event: the read model may still be a few ms behind the webhook.
    await waitFor(async () => (await platform.api('GET', `/workflows/events/${eventId}`)).status === 200, { what: 'the event in the read model' });
    const webhookId = deliveries('/ok')[0].headers['webhook-id'];

    const forms: [path: string, body: unknown, onlyNamed: boolean][] = [
      ['/workflows/events/reflow', { events: [eventId] }, false],
      ['/workflows/events/reflow', { subjects: [subject], workflows: [workflowId] }, true],
      [`/workflows/events/${eventId}/reflow`, undefined, false],
      [`/workflows/events/${eventId}/workflow/${workflowId}/reflow`, undefined, true],
      [`/workflows/events/subject/${subject}/reflow`, undefined, false],
      [`/workflows/events/subject/${subject}/workflow/${workflowId}/reflow`, undefined, true],
    ];
    for (const [path, body, onlyNamed] of forms) {
      const [ok, also] = [deliveries('/ok').length, deliveries('/also').length];
      const res = await platform.api('POST', path, body);
      expect({ path, status: res.status }).toEqual({ path, status: 202 });
      await waitFor(() => deliveries('/ok').length === ok + 1, { what: `a delivery after ${path}` });
      if (onlyNamed) {
        // Both jobs would come from one matcher batch: a second would have arrived by now.
        await new Promise((r) => setTimeout(r, 500));
        expect({ path, also: deliveries('/also').length }).toEqual({ path, also });
      } else {
        await waitFor(() => deliveries('/also').length === also + 1, { what: `a delivery to the other workflow after ${path}` });
      }
    }
    expect(new Set(deliveries('/ok').map((d) => d.headers['webhook-id']))).toEqual(new Set([webhookId]));

    const event = await waitFor(async () => {
      const res = await platform.api('GET', `/workflows/events/${eventId}`);
      return res.body.action_invocations?.length === 2 ? res.body : undefined;
    }, { what: 'both invocations in the event' });
    const attemptsOf = async (wf: string) => {
      const actionId = event.action_invocations.find((i: { workflow_id: string }) => i.workflow_id === wf).workflow_action_id;
      return (await platform.api('GET', `/workflows/events/${eventId}/actions/${actionId}`)).body;
    };
    await waitFor(async () => (await attemptsOf(workflowId)).action_invocations?.length === 1 + forms.length, { what: 'every reflow attempt in the invocation' });
    await waitFor(async () => (await attemptsOf(alsoWorkflowId)).action_invocations?.length === 1 + forms.filter(([, , only]) => !only).length, {
      what: 'the unfiltered reflows in the other invocation',
    });
    const invocation = await attemptsOf(workflowId);
    expect(invocation.status).toBe('successful');
    expect(invocation.action_invocations.map((a: { retry: boolean }) => a.retry)).toEqual([false, ...forms.map(() => true)]);
    expect(new Set(invocation.action_invocations.map((a: { invocation_id: string }) => a.invocation_id)).size).toBe(1 + forms.length);
  }, 120_000);

  it('runs a reflow by subjects in the background: 202 at once, progress to follow, every event delivered again; refuses one over the bound', async () => {
    // 10 events each: three subjects (30) are over the bound of 25, two (20) within it.
    const subjects = ['pay_e2ebulka000000000000000', 'pay_e2ebulkb000000000000000', 'pay_e2ebulkc000000000000000'];
    const eventIds = new Map<string, string[]>();
    for (const subject of subjects) eventIds.set(subject, await Promise.all(Array.from({ length: 10 }, () => publish('payment_approved', subject))));
    const all = [...eventIds.values()].flat();
    const deliveriesOf = (id: string) => bodiesOn('/ok').filter((b) => b.id === id).length;
    await waitFor(() => all.every((id) => deliveriesOf(id) === 1), { what: 'the 30 original deliveries' });
    for (const subject of subjects) {
      await waitFor(async () => (await platform.api('GET', `/workflows/events/subject/${subject}?limit=50`)).body.data?.length === 10, { what: `${subject} in the read model` });
    }

    const tooLarge = await platform.api('POST', '/workflows/events/reflow', { subjects });
    expect({ status: tooLarge.status, codes: tooLarge.body.error_codes }).toEqual({ status: 422, codes: ['reflow_too_large'] });
    // Event ids are counted at the edge, before any is read.
    const tooManyIds = await platform.api('POST', '/workflows/events/reflow', { events: Array.from({ length: 26 }, () => newId('evt')) });
    expect({ status: tooManyIds.status, codes: tooManyIds.body.error_codes }).toEqual({ status: 422, codes: ['reflow_too_large'] });

    const accepted = await platform.api('POST', '/workflows/events/reflow', { subjects: [...subjects.slice(0, 2), 'pay_e2ebulknothing000000000'], workflows: [workflowId] });
    expect(accepted.status).toBe(202);
    // Answered from the queued row, before any page is read.
    expect(accepted.body).toMatchObject({
      id: expect.stringMatching(/^rfl_[a-z2-7]{26}$/),
      status: 'queued',
      workflows: [workflowId],
      subjects: { total: 2, done: 0, without_events: 1 },
      events: { total: 20, published: 0 },
      errors: [],
      finished_at: null,
    });
    reflowPath = new URL(accepted.body._links.self.href).pathname;
    expect(reflowPath).toBe(`/workflows/events/reflow/${accepted.body.id}`);

    const seen: { status: string; published: number; done: number }[] = [];
    const finished = await waitFor(
      async () => {
        const res = await platform.api('GET', reflowPath);
        expect(res.status).toBe(200);
        seen.push({ status: res.body.status, published: res.body.events.published, done: res.body.subjects.done });
        return res.body.status === 'completed' ? res.body : undefined;
      },
      { timeoutMs: 60_000, what: 'the reflow to complete' },
    );
    expect(finished).toMatchObject({ subjects: { total: 2, done: 2 }, events: { total: 20, published: 20 }, errors: [], finished_at: expect.any(String) });
    // What each read showed only ever moved forward.
    const order = ['queued', 'running', 'completed'];
    for (const [before, after] of seen.slice(1).map((s, i) => [seen[i], s])) {
      expect(order.indexOf(after.status)).toBeGreaterThanOrEqual(order.indexOf(before.status));
      expect(after.published).toBeGreaterThanOrEqual(before.published);
      expect(after.done).toBeGreaterThanOrEqual(before.done);
    }

    const reflowed = subjects.slice(0, 2).flatMap((s) => eventIds.get(s) ?? []);
    await waitFor(() => reflowed.every((id) => deliveriesOf(id) === 2), { what: 'each of the 20 events delivered again' });
    // The refused request published nothing: the third subject's events were delivered once.
    expect((eventIds.get(subjects[2]) ?? []).map(deliveriesOf)).toEqual(Array(10).fill(1));

    expect((await platform.api('GET', '/workflows/events/reflow/rfl_aaaaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await platform.api('GET', '/workflows/events/reflow/not-a-reflow')).status).toBe(404);
  }, 150_000);

  it('answers 404 when there is nothing to reflow and 422 for malformed ids', async () => {
    expect((await platform.api('POST', '/workflows/events/evt_aaaaaaaaaaaaaaaaaaaaaaaaaa/reflow')).status).toBe(404);
    expect((await platform.api('POST', '/workflows/events/subject/pay_nothinghere/reflow')).status).toBe(404);
    const badEvents = await platform.api('POST', '/workflows/events/reflow', { events: ['not-an-event'] });
    expect(badEvents.status).toBe(422);
    expect(badEvents.body.error_codes).toContain('event_ids_invalid');
    const badWorkflows = await platform.api('POST', '/workflows/events/reflow', { events: ['evt_aaaaaaaaaaaaaaaaaaaaaaaaaa'], workflows: ['nope'] });
    expect(badWorkflows.body.error_codes).toContain('workflow_ids_invalid');
    const known = bodiesOn('/ok')[0].id;
    expect((await platform.api('POST', `/workflows/events/${known}/workflow/wf_aaaaaaaaaaaaaaaaaaaaaaaaaa/reflow`)).status).toBe(404);
    expect((await platform.api('POST', '/workflows/events/reflow', { events: [known], workflows: ['wf_aaaaaaaaaaaaaaaaaaaaaaaaaa'] })).status).toBe(404);
    expect((await platform.api('POST', '/workflows/events/reflow', { events: [known], subjects: ['pay_x'] })).body.error_codes).toEqual(['events_or_subjects_required']);
    const badSubject = await platform.api('POST', '/workflows/events/subject/bad%20subject/reflow');
    expect(badSubject.status).toBe(422);
    expect(badSubject.body.error_codes).toContain('subject_id_invalid');
  });

  it('hides another tenant’s events', async () => {
    const other = await fetch(`${platform.opsUrl('gateway')}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'other' }),
    });
    const { api_key: otherKey } = (await other.json()) as { api_key: string };
    const eventId = bodiesOn('/ok')[0].id;
    const res = await platform.api('GET', `/workflows/events/${eventId}`, undefined, { authorization: `Bearer ${otherKey}` });
    expect(res.status).toBe(404);
    expect((await platform.api('GET', reflowPath, undefined, { authorization: `Bearer ${otherKey}` })).status).toBe(404);
  });
});
