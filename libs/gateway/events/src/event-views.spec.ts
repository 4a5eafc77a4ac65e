import { EndpointHealthAnswer, StoredAttempt, StoredInvocation, WorkflowState } from '@hookstream/contracts';
import { sampleCanonicalEvent, sampleWorkflowState } from '@hookstream/testing';
import { endpointHealthView, eventView, excerpt, invocationView, nextAttemptAt, recentEventsView, subjectEventsView } from './event-views';

const base = 'https://api.example';
const invocation: StoredInvocation = {
  invocation_id: 'ivc_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  workflow_id: 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  action_id: 'wfa_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  status: 'failed',
  workflow_version: 4,
};
const attempt = (n: number, minute: number, overrides: Partial<StoredAttempt> = {}): StoredAttempt => ({
  attempt: n,
  timestamp: `2026-11-22T10:0${minute}:00.000Z`,
  retry: n > 1,
  succeeded: false,
  final: false,
  status_code: 500,
  error_kind: 'http_status',
  error_message: null,
  url: 'https://merchant.example/hook',
  request_headers: { 'webhook-id': 'msg_1', authorization: 'Bear******' },
  response_body: 'oops',
  response_received_at: `2026-11-22T10:0${minute}:01.000Z`,
  duration_ms: 20,
  next_attempt_at: null,
  workflow_version: 3,
  ...overrides,
});

describe('eventView', () => {
  it('has Checkout.com’s fields, the invocations and the subject’s resource link', () => {
    const event = sampleCanonicalEvent({ subject_id: 'pay_abc', data: { amount: 10 } });
    const view = eventView(base, event, [invocation]);
    expect(Object.keys(view).sort()).toEqual(['_links', 'action_invocations', 'data', 'id', 'source', 'timestamp', 'type', 'version']);
    expect(view.action_invocations).toEqual([
      {
        workflow_id: invocation.workflow_id,
        workflow_action_id: invocation.action_id,
        status: 'failed',
        workflow_version: 4,
        _links: {
          self: { href: `${base}/workflows/events/${event.id}/actions/${invocation.action_id}` },
          workflow: { href: `${base}/workflows/${invocation.workflow_id}` },
        },
      },
    ]);
    expect(view._links).toEqual({ self: { href: `${base}/workflows/events/${event.id}` }, payment: { href: `${base}/payments/pay_abc` } });
  });

  it('links disputes, and nothing for a subject of no known resource', () => {
    expect(eventView(base, sampleCanonicalEvent({ subject_id: 'dsp_x' }), [])._links).toHaveProperty('dispute.href', `${base}/disputes/dsp_x`);
    expect(Object.keys(eventView(base, sampleCanonicalEvent({ subject_id: 'ord_x' }), [])._links)).toEqual(['self']);
  });
});

describe('invocationView', () => {
  it('shows every attempt with its flags and result details, each with its own stable id', () => {
    const attempts = [attempt(1, 1), attempt(2, 2, { succeeded: true, final: true, status_code: 200, error_kind: null, workflow_version: 4 })];
    const view = invocationView(base, 'evt_x', invocation, attempts);
    expect(view).toMatchObject({
      workflow_id: invocation.workflow_id,
      event_id: 'evt_x',
      workflow_action_id: invocation.action_id,
      action_type: 'webhook',
      status: 'failed',
      workflow_version: 4,
    });
    // Each attempt names the version its job was matched with: here a reflow's newer one.
    expect(view.action_invocations.map((a) => a.workflow_version)).toEqual([3, 4]);
    expect(view.action_invocations.map((a) => [a.retry, a.succeeded, a.final])).toEqual([
      [false, false, false],
      [true, true, true],
    ]);
    expect(view.action_invocations[0].result_details).toMatchObject({
      status_code: 500,
      url: 'https://merchant.example/hook',
      headers: { 'webhook-id': 'msg_1', authorization: 'Bear******' },
      response_received_timestamp: '2026-11-22T10:01:01.000Z',
    });
    const ids = view.action_invocations.map((a) => a.invocation_id);
    expect(ids[0]).not.toBe(ids[1]);
    expect(invocationView(base, 'evt_x', invocation, attempts).action_invocations.map((a) => a.invocation_id)).toEqual(ids);
    // A reflow numbers from 1 again: still an id of its own.
    expect(invocationView(base, 'evt_x', invocation, [attempt(1, 5)]).action_invocations[0].invocation_id).not.toBe(ids[0]);
  });
});

describe('subjectEventsView', () => {
  it('links the next page only while there is one, keeping the limit', () => {
    const events = [sampleCanonicalEvent({ subject_id: 'pay_s' })];
    expect(subjectEventsView(base, 'pay_s', events, null)._links).toEqual({ self: { href: `${base}/workflows/events/subject/pay_s` } });
    const paged = subjectEventsView(base, 'pay_s', events, 'abc', '10');
    expect(paged._links.next).toEqual({ href: `${base}/workflows/events/subject/pay_s?limit=10&cursor=abc` });
    expect(paged.data).toEqual([{ id: events[0].id, type: 'payment_approved', timestamp: events[0].timestamp, _links: { self: { href: `${base}/workflows/events/${events[0].id}` } } }]);
  });
});

describe('attempt timeline fields', () => {
  it('numbers each attempt and shows its duration and the start of the answer', () => {
    const view = invocationView(base, 'evt_x', invocation, [attempt(1, 1, { duration_ms: 182.5, response_body: 'x'.repeat(5000) }), attempt(2, 2, { response_body: null })]);
    expect(view.action_invocations.map((a) => a.attempt)).toEqual([1, 2]);
    expect(view.action_invocations[0]).toMatchObject({ duration_ms: 182.5, response_excerpt: 'x'.repeat(1024) });
    expect(view.action_invocations[1].response_excerpt).toBeNull();
  });

  it('cuts an excerpt at 1 KiB of UTF-8 without splitting a character', () => {
    expect(excerpt('short', 1024)).toBe('short');
    const euros = excerpt('€'.repeat(400), 1024);
    expect(euros).toBe('€'.repeat(341));
    const emoji = excerpt('😀'.repeat(300), 1024);
    expect(emoji).toBe('😀'.repeat(256));
    expect(Buffer.byteLength(excerpt('a😀'.repeat(300), 1024))).toBeLessThanOrEqual(1024);
    expect(excerpt('a😀'.repeat(300), 1024).endsWith('\ud83d')).toBe(false);
  });

  it('says when the next attempt is due while the latest one scheduled it, null once done or given up', () => {
    const due = '2026-11-22T10:07:00.000Z';
    expect(nextAttemptAt([attempt(1, 1, { next_attempt_at: '2026-11-22T10:02:00.000Z' }), attempt(2, 2, { next_attempt_at: due })])).toBe(due);
    // Arrival order does not matter: the latest by time counts.
    expect(nextAttemptAt([attempt(2, 2, { next_attempt_at: due }), attempt(1, 1, { next_attempt_at: '2026-11-22T10:02:00.000Z' })])).toBe(due);
    expect(nextAttemptAt([attempt(1, 1, { next_attempt_at: due }), attempt(2, 2, { final: true })])).toBeNull();
    expect(nextAttemptAt([attempt(1, 1, { succeeded: true, next_attempt_at: null })])).toBeNull();
    expect(nextAttemptAt([])).toBeNull();
    expect(invocationView(base, 'evt_x', invocation, [attempt(1, 1, { next_attempt_at: due })]).next_attempt_at).toBe(due);
  });
});

describe('recentEventsView', () => {
  const page = {
    events: [{ id: 'evt_a', source: 'gateway', type: 'payment_approved', subject_id: 'pay_a', timestamp: '2026-11-22T10:00:00.000Z', invocations: { total: 2, succeeded: 1, failed: 0, pending: 1 } }],
    next_cursor: 'abc',
  };

  it('links each event and the next page, keeping the limit and the workflow filter', () => {
    const view = recentEventsView(base, page, '1', 'wf_x');
    expect(view.data).toEqual([{ ...page.events[0], _links: { self: { href: `${base}/workflows/events/evt_a` } } }]);
    expect(view._links).toEqual({ self: { href: `${base}/workflows/events?workflow_id=wf_x` }, next: { href: `${base}/workflows/events?workflow_id=wf_x&limit=1&cursor=abc` } });
    expect(recentEventsView(base, { ...page, next_cursor: null }, undefined, undefined)._links).toEqual({ self: { href: `${base}/workflows/events` } });
  });
});

describe('endpointHealthView', () => {
  const state = sampleWorkflowState();
  const [first] = state.actions;
  const window = { from: '2026-11-22T09:00:00.000Z', to: '2026-11-22T10:00:00.000Z' };
  const series = [{ from: window.from, attempts: 4, succeeded: 3, p95_ms: 30 }];
  const health: EndpointHealthAnswer = {
    window,
    actions: [{ action_id: first.id, attempts: 4, succeeded: 3, latency_ms: { p50: 10, p95: 30, p99: 31 }, series, breaker: { state: 'closed', as_of: window.to } }],
  };

  it("has one entry per action of the workflow, with its URL, rate and the projection's numbers", () => {
    const view = endpointHealthView(state, health);
    expect(view.data).toEqual([
      {
        action_id: first.id,
        url: first.url,
        disabled_at: null,
        disabled_reason: null,
        window,
        attempts: 4,
        succeeded: 3,
        success_rate: 0.75,
        latency_ms: { p50: 10, p95: 30, p99: 31 },
        series,
        breaker: { state: 'closed', as_of: window.to },
      },
    ]);
  });

  it('says why a disabled action gets nothing, and has no rate without attempts', () => {
    const disabled: WorkflowState = { ...state, actions: [{ ...first, disabled_at: window.to, disabled_reason: null }] };
    const quiet: EndpointHealthAnswer = { window, actions: [{ ...health.actions[0], attempts: 0, succeeded: 0, latency_ms: null, breaker: { state: 'unknown', as_of: null } }] };
    expect(endpointHealthView(disabled, quiet).data[0]).toMatchObject({ disabled_at: window.to, disabled_reason: 'receiver answered 410', success_rate: null, latency_ms: null });
    const recorded: WorkflowState = { ...state, actions: [{ ...first, disabled_at: window.to, disabled_reason: 'endpoint answered 410 Gone: action disabled' }] };
    expect(endpointHealthView(recorded, health).data[0].disabled_reason).toBe('endpoint answered 410 Gone: action disabled');
  });
});
