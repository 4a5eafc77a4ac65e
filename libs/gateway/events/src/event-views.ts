import {
  CanonicalEvent,
  deterministicId,
  type EndpointHealthAnswer,
  type RecentEventPage,
  StoredAttempt,
  StoredInvocation,
  type WorkflowState,
} from '@hookstream/contracts';
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
    next_attempt_at: nextAttemptAt(attempts),
    action_invocations: attempts.map((a) => ({
      // Stable per attempt, so the same attempt always shows the same id.
      invocation_id: deterministicId('ivc', invocation.invocation_id, String(a.attempt), a.timestamp),
      attempt: a.attempt,
      timestamp: a.timestamp,
      duration_ms: a.duration_ms,
      response_excerpt: a.response_body === null ? null : excerpt(a.response_body, RESPONSE_EXCERPT_BYTES),
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

/** The most of a receiver's answer an attempt shows. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** The text's start, at most `maxBytes` as UTF-8, never cutting a character (nor a surrogate pair) in two. */
export function excerpt(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes) return text;
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(maxBytes));
  return text.slice(0, read);
}

/**
 * When the next attempt is due: the latest attempt's schedule, while it
 * neither succeeded nor was the last; null otherwise. Latest by time, then
 * number, as the invocation's status reads them (a reflow numbers from 1).
 */
export function nextAttemptAt(attempts: readonly StoredAttempt[]): string | null {
  const latest = [...attempts].sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp) || a.attempt - b.attempt).at(-1);
  return latest && !latest.succeeded && !latest.final ? latest.next_attempt_at : null;
}

/** GET /workflows/events: the tenant's events, newest first, each with its invocations counted. */
export function recentEventsView(base: string, page: RecentEventPage, limit: string | undefined, workflowId: string | undefined) {
  return {
    data: page.events.map((e) => ({ ...e, _links: { self: href(base, `/workflows/events/${e.id}`) } })),
    _links: pageLinks(base, '/workflows/events', page.next_cursor, limit, { workflow_id: workflowId }),
  };
}

/** Why an action gets no more deliveries, as workflow-config recorded it. */
const DISABLED_BY_DEFAULT = 'receiver answered 410';

/** GET /workflows/{id}/health: one entry per action of the workflow as it is now, with its last hour. */
export function endpointHealthView(workflow: WorkflowState, health: EndpointHealthAnswer) {
  const byAction = new Map(health.actions.map((a) => [a.action_id, a]));
  return {
    data: workflow.actions.map((action) => {
      const seen = byAction.get(action.id);
      const attempts = seen?.attempts ?? 0;
      const succeeded = seen?.succeeded ?? 0;
      return {
        action_id: action.id,
        url: action.url,
        disabled_at: action.disabled_at,
        disabled_reason: action.disabled_at === null ? null : (action.disabled_reason ?? DISABLED_BY_DEFAULT),
        window: health.window,
        attempts,
        succeeded,
        success_rate: attempts === 0 ? null : succeeded / attempts,
        latency_ms: seen?.latency_ms ?? null,
        series: seen?.series ?? [],
        breaker: seen?.breaker ?? { state: 'unknown' as const, as_of: null },
      };
    }),
  };
}
