import type { CanonicalEvent } from '../messages/event';

/**
 * What projection's internal HTTP API answers the gateway (tenant in the
 * x-hookstream-tenant header): one definition for server and client.
 */
export interface StoredInvocation {
  invocation_id: string;
  workflow_id: string;
  action_id: string;
  status: 'pending' | 'successful' | 'failed';
}

export interface StoredAttempt {
  attempt: number;
  timestamp: string;
  retry: boolean;
  succeeded: boolean;
  final: boolean;
  status_code: number | null;
  error_kind: string | null;
  error_message: string | null;
  url: string;
  request_headers: Record<string, string>;
  response_body: string | null;
  response_received_at: string | null;
  duration_ms: number;
}

/** GET /internal/events/{id} */
export interface StoredEventWithInvocations {
  event: CanonicalEvent;
  invocations: StoredInvocation[];
}

/** GET /internal/events/{id}/actions/{actionId} */
export interface StoredInvocationWithAttempts {
  invocation: StoredInvocation;
  attempts: StoredAttempt[];
}

/** GET /internal/subjects/{subjectId}/events: newest first. */
export interface StoredEventPage {
  events: CanonicalEvent[];
  next_cursor: string | null;
}
