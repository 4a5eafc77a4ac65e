import { StoredAttempt, StoredInvocation } from '@hookstream/contracts';
import { sampleCanonicalEvent } from '@hookstream/testing';
import { eventView, invocationView, subjectEventsView } from './event-views';

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
