import { CanonicalEvent, deterministicId, StoredAttempt, StoredInvocation } from '@hookstream/contracts';
import { href, pageLinks } from '@hookstream/gateway-http';

/** The resource a subject id names, by its prefix, as Checkout.com links it from an event. */
const SUBJECT_LINKS: [prefix: string, rel: string, path: string][] = [
  ['pay_', 'payment', 'payments'],
  ['dsp_', 'dispute', 'disputes'],
];

/** GET /workflows/events/{eventId}, Checkout.com's shape. */
export function eventView(base: string, event: CanonicalEvent, invocations: StoredInvocation[]) {
  const subject = SUBJECT_LINKS.find(([prefix]) => event.subject_id.startsWith(prefix));
  return {
    id: event.id,
    source: event.source,
    type: event.type,
    timestamp: event.timestamp,
    version: event.version,
    data: event.data,
    action_invocations: invocations.map((i) => ({
      workflow_id: i.workflow_id,
      workflow_action_id: i.action_id,
      status: i.status,
      workflow_version: i.workflow_version,
      _links: {
        self: href(base, `/workflows/events/${event.id}/actions/${i.action_id}`),
        workflow: href(base, `/workflows/${i.workflow_id}`),
      },
    })),
    _links: {
      self: href(base, `/workflows/events/${event.id}`),
      ...(subject ? { [subject[1]]: href(base, `/${subject[2]}/${event.subject_id}`) } : {}),
    },
  };
}

/** GET /workflows/events/{eventId}/actions/{workflowActionId}. */
export function invocationView(base: string, eventId: string, invocation: StoredInvocation, attempts: StoredAttempt[]) {
  return {
    workflow_id: invocation.workflow_id,
    event_id: eventId,
    workflow_action_id: invocation.action_id,
    action_type: 'webhook',
    status: invocation.status,
    workflow_version: invocation.workflow_version,
    action_invocations: attempts.map((a) => ({
      // Stable per attempt, so the same attempt always shows the same id.
      invocation_id: deterministicId('ivc', invocation.invocation_id, String(a.attempt), a.timestamp),
      timestamp: a.timestamp,
      retry: a.retry,
      succeeded: a.succeeded,
      final: a.final,
      workflow_version: a.workflow_version,
      result_details: {
        status_code: a.status_code,
        url: a.url,
        headers: a.request_headers,
        response_received_timestamp: a.response_received_at,
        ...(a.error_kind ? { error: a.error_kind, error_message: a.error_message } : {}),
      },
    })),
    _links: {
      self: href(base, `/workflows/events/${eventId}/actions/${invocation.action_id}`),
      event: href(base, `/workflows/events/${eventId}`),
      workflow: href(base, `/workflows/${invocation.workflow_id}`),
    },
  };
}

/** GET /workflows/events/subject/{subjectId}: newest first, with a next link while more remain. */
export function subjectEventsView(base: string, subjectId: string, events: CanonicalEvent[], nextCursor: string | null, limit?: string) {
  return {
    data: events.map((e) => ({ id: e.id, type: e.type, timestamp: e.timestamp, _links: { self: href(base, `/workflows/events/${e.id}`) } })),
    _links: pageLinks(base, `/workflows/events/subject/${encodeURIComponent(subjectId)}`, nextCursor, limit),
  };
}
