import { z } from 'zod';
import { CanonicalEvent } from '../messages/event';
import { internalRoute } from './route';

/**
 * projection's internal read routes, for the tenant in the caller's
 * credential (another tenant's event is a 404, exactly as a missing one).
 * The gateway renders the public shapes from these answers.
 */
export const ProjectionApi = {
  /** GET: StoredEventWithInvocations. */
  event: internalRoute('internal/events/:eventId'),
  /** GET: StoredInvocationWithAttempts. */
  invocation: internalRoute('internal/events/:eventId/actions/:actionId'),
  /** GET ?limit (1-500, 50) &cursor: StoredEventPage, newest first. */
  subjectEvents: internalRoute('internal/subjects/:subjectId/events'),
  /** GET ?ids=evt_a,evt_b (at most 500): StoredEvents, for reflow. */
  eventsByIds: internalRoute('internal/events'),
  /** POST SubjectEventCountsQuery: SubjectEventCounts, how many events a subject reflow would publish. */
  subjectEventCounts: internalRoute('internal/subjects/event-counts'),
} as const;

/** The most subjects one count asks about: the public API's bound on a reflow's subject list. */
export const MAX_COUNTED_SUBJECTS = 1000;

/**
 * Subjects to count events of. At most `cap` events are counted in all, so
 * a subject with millions of events costs no more than the bound the
 * caller checks against (it asks for its bound + 1).
 */
export const SubjectEventCountsQuery = z.object({
  subject_ids: z.array(z.string().min(1).max(200)).min(1).max(MAX_COUNTED_SUBJECTS),
  cap: z.number().int().min(1).max(1_000_000),
});
export type SubjectEventCountsQuery = z.infer<typeof SubjectEventCountsQuery>;

/** Subjects with at least one event (the others are left out); exact while their sum is below the cap. */
export const SubjectEventCounts = z.object({ counts: z.array(z.object({ subject_id: z.string(), events: z.number().int().min(1) })) });
export type SubjectEventCounts = z.infer<typeof SubjectEventCounts>;

export const StoredInvocation = z.object({
  invocation_id: z.string(),
  workflow_id: z.string(),
  action_id: z.string(),
  status: z.enum(['pending', 'successful', 'failed']),
  /** The workflow's version its latest attempt was matched with; null when no attempt says (recorded before versions were). */
  workflow_version: z.number().nullable().default(null),
});
export type StoredInvocation = z.infer<typeof StoredInvocation>;

export const StoredAttempt = z.object({
  attempt: z.number(),
  timestamp: z.string(),
  retry: z.boolean(),
  succeeded: z.boolean(),
  final: z.boolean(),
  status_code: z.number().nullable(),
  error_kind: z.string().nullable(),
  error_message: z.string().nullable(),
  url: z.string(),
  request_headers: z.record(z.string(), z.string()),
  response_body: z.string().nullable(),
  response_received_at: z.string().nullable(),
  duration_ms: z.number(),
  /** The workflow's version this attempt's job was matched with (a reflow may use a newer one); null when not recorded. */
  workflow_version: z.number().nullable().default(null),
});
export type StoredAttempt = z.infer<typeof StoredAttempt>;

export const StoredEventWithInvocations = z.object({ event: CanonicalEvent, invocations: z.array(StoredInvocation) });
export type StoredEventWithInvocations = z.infer<typeof StoredEventWithInvocations>;

export const StoredInvocationWithAttempts = z.object({ invocation: StoredInvocation, attempts: z.array(StoredAttempt) });
export type StoredInvocationWithAttempts = z.infer<typeof StoredInvocationWithAttempts>;

export const StoredEventPage = z.object({ events: z.array(CanonicalEvent), next_cursor: z.string().nullable() });
export type StoredEventPage = z.infer<typeof StoredEventPage>;

export const StoredEvents = z.object({ events: z.array(CanonicalEvent) });
export type StoredEvents = z.infer<typeof StoredEvents>;
