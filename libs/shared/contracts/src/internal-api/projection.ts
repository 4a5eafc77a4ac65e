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
  /** GET ?limit (1-100, 20) &cursor &workflow_id: RecentEventPage, the tenant's events newest first. */
  recentEvents: internalRoute('internal/recent-events'),
  /** GET ?action_ids=wfa_a,wfa_b (at most WorkflowCeilings.actions): EndpointHealthAnswer over the last hour. */
  endpointHealth: internalRoute('internal/endpoint-health'),
  /** GET ?after &limit (1-500, 100) &workflow_id: AttemptFeedPage, attempts in the order they were written (the live tail's feed). */
  attempts: internalRoute('internal/attempts'),
} as const;

/** Paging of the recent events (GET /workflows/events). */
export const RecentEventsPaging = { defaultLimit: 20, maxLimit: 100 } as const;
/** Paging of the attempt feed. */
export const AttemptFeedPaging = { defaultLimit: 100, maxLimit: 500 } as const;

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
  /** When the next attempt is due, when this one scheduled a retry. */
  next_attempt_at: z.string().nullable().default(null),
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

/** How an event's invocations stand, counted by status. */
export const InvocationCounts = z.object({ total: z.number().int(), succeeded: z.number().int(), failed: z.number().int(), pending: z.number().int() });
export type InvocationCounts = z.infer<typeof InvocationCounts>;

export const RecentEvent = z.object({
  id: z.string(),
  source: z.string(),
  type: z.string(),
  subject_id: z.string(),
  timestamp: z.string(),
  invocations: InvocationCounts,
});
export type RecentEvent = z.infer<typeof RecentEvent>;

export const RecentEventPage = z.object({ events: z.array(RecentEvent), next_cursor: z.string().nullable() });
export type RecentEventPage = z.infer<typeof RecentEventPage>;

/** As the delivery side last showed it: breakers live in each delivery replica's memory, so this is derived from recorded attempts. */
export const BreakerAsObserved = z.object({ state: z.enum(['closed', 'open', 'unknown']), as_of: z.string().nullable() });
export type BreakerAsObserved = z.infer<typeof BreakerAsObserved>;

export const LatencyPercentiles = z.object({ p50: z.number(), p95: z.number(), p99: z.number() });
export type LatencyPercentiles = z.infer<typeof LatencyPercentiles>;

export const HealthBucket = z.object({ from: z.string(), attempts: z.number().int(), succeeded: z.number().int(), p95_ms: z.number().nullable() });
export type HealthBucket = z.infer<typeof HealthBucket>;

export const ActionHealth = z.object({
  action_id: z.string(),
  attempts: z.number().int(),
  succeeded: z.number().int(),
  /** null when no attempt was sent in the window. */
  latency_ms: LatencyPercentiles.nullable(),
  series: z.array(HealthBucket),
  breaker: BreakerAsObserved,
});
export type ActionHealth = z.infer<typeof ActionHealth>;

export const HealthWindow = z.object({ from: z.string(), to: z.string() });
export type HealthWindow = z.infer<typeof HealthWindow>;

/** One entry per action asked about, in the order asked. */
export const EndpointHealthAnswer = z.object({ window: HealthWindow, actions: z.array(ActionHealth) });
export type EndpointHealthAnswer = z.infer<typeof EndpointHealthAnswer>;

/** One attempt in the feed, in the live tail's shape; `cursor` is its position (see attempt-feed-cursor). */
export const FedAttempt = z.object({
  cursor: z.string(),
  event_id: z.string(),
  event_type: z.string().nullable(),
  workflow_id: z.string(),
  action_id: z.string(),
  attempt: z.number().int(),
  timestamp: z.string(),
  succeeded: z.boolean(),
  final: z.boolean(),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number(),
  next_attempt_at: z.string().nullable(),
  url: z.string(),
});
export type FedAttempt = z.infer<typeof FedAttempt>;

/**
 * Attempts after the asked position, oldest first; `next_cursor` is where to
 * ask from next: past the last attempt, or, when fewer than the limit came,
 * past everything written so far (so a quiet filter does not scan again).
 */
export const AttemptFeedPage = z.object({ attempts: z.array(FedAttempt), next_cursor: z.string() });
export type AttemptFeedPage = z.infer<typeof AttemptFeedPage>;
