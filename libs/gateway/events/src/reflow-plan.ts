/**
 * What one reflow request may fan out to, decided before anything is
 * published: pure, so the bounds are tested without projection or Kafka.
 */

export interface ReflowBounds {
  /** Events one request may publish in all (REFLOW_MAX_EVENTS). */
  maxEvents: number;
}

/** A subject of an asynchronous reflow, with the events it had when planned. */
export interface PlannedSubject {
  subject_id: string;
  events: number;
}

export type ReflowRefusal = { ok: false; status: 404; errorType: 'not_found' } | { ok: false; status: 422; errorType: 'request_invalid'; code: 'reflow_too_large' };

export type SubjectReflowPlan =
  | {
      ok: true;
      /** In the order the request named them, each once, only those with events. */
      subjects: PlannedSubject[];
      /** Named, but without a stored event: nothing to do for them. */
      withoutEvents: number;
      events: number;
    }
  | ReflowRefusal;

const NOTHING: ReflowRefusal = { ok: false, status: 404, errorType: 'not_found' };
const TOO_LARGE: ReflowRefusal = { ok: false, status: 422, errorType: 'request_invalid', code: 'reflow_too_large' };

/**
 * The count to ask projection for: one past the bound, so "too large" is
 * known without counting every event of a huge subject.
 */
export const countCap = (bounds: ReflowBounds): number => bounds.maxEvents + 1;

/**
 * An event-id reflow publishes at most one event per id: its size is known
 * from the request, so it is refused or accepted before anything is read.
 */
export function checkEventReflow(eventIds: readonly string[], bounds: ReflowBounds): { ok: true; eventIds: string[] } | ReflowRefusal {
  const unique = [...new Set(eventIds)];
  return unique.length > bounds.maxEvents ? TOO_LARGE : { ok: true, eventIds: unique };
}

/**
 * A subject reflow from projection's counts (capped at countCap): refused
 * when the subjects hold more events than the bound, 404 when none of them
 * has any, else the subjects to page through.
 */
export function planSubjectReflow(requested: readonly string[], counts: readonly PlannedSubject[], bounds: ReflowBounds): SubjectReflowPlan {
  // A Map: subject ids are the client's strings (`__proto__` included).
  const bySubject = new Map<string, number>();
  for (const { subject_id, events } of counts) bySubject.set(subject_id, (bySubject.get(subject_id) ?? 0) + events);
  const named = [...new Set(requested)];
  const subjects = named.flatMap((subject_id) => {
    const events = bySubject.get(subject_id) ?? 0;
    return events > 0 ? [{ subject_id, events }] : [];
  });
  const events = subjects.reduce((sum, s) => sum + s.events, 0);
  if (events > bounds.maxEvents) return TOO_LARGE;
  if (events === 0) return NOTHING;
  return { ok: true, subjects, withoutEvents: named.length - subjects.length, events };
}

/** What the runner does after a page of a subject could not be read or published. */
export type PageFailureStep = { step: 'retry'; afterMs: number } | { step: 'skip_subject' } | { step: 'give_up' };

/** Attempts of one page before the reflow is given up as failed: about 1.5 minutes of projection or Kafka out of reach. */
export const PAGE_ATTEMPTS = 8;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

/**
 * A refusal of the request itself (a 4xx from projection: the subject's
 * cursor or id it no longer accepts) will not change on a retry: that
 * subject is skipped. Anything else (projection or Kafka out of reach) is
 * retried with a capped backoff, then the reflow fails.
 */
export function afterPageFailure(failedAttempts: number, refused: boolean): PageFailureStep {
  if (refused) return { step: 'skip_subject' };
  if (failedAttempts >= PAGE_ATTEMPTS) return { step: 'give_up' };
  return { step: 'retry', afterMs: Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** (failedAttempts - 1)) };
}

/** Errors a reflow keeps, the newest: a subject failing page after page cannot grow its row without end. */
export const MAX_REFLOW_ERRORS = 20;

export function withError<E>(errors: readonly E[], error: E): E[] {
  return [...errors, error].slice(-MAX_REFLOW_ERRORS);
}

/**
 * Events per page of an asynchronous reflow: at most one second of the
 * gateway's pace, so a page never waits long for its turn and progress is
 * recorded (and the lease renewed) about once a second.
 */
export const asyncPageSize = (pageLimit: number, eventsPerSecond: number): number => Math.max(1, Math.min(pageLimit, Math.floor(eventsPerSecond)));
