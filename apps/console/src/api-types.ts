// The public API's answers, as far as the console reads them (docs/openapi.json has the whole shapes).
// Type-only imports of the contracts: erased from the bundle, checked by the compiler.
import type { WorkflowCondition } from '@hookstream/contracts';

export interface Href {
  href: string;
}
export interface PageLinks {
  self: Href;
  next?: Href;
}

export interface WorkflowSummary {
  id: string;
  name: string;
  active: boolean;
}

/** A condition as the API shows it: the stored shape of the contract's condition registry, so a new type makes the compiler point here. */
export type ConditionView = WorkflowCondition;

export interface ActionView {
  id: string;
  type: 'webhook';
  url: string;
  headers: Record<string, string>;
  signature?: { method: string; key: string };
  format: string;
  retry_policy: unknown;
  timeout_ms: number;
  cloudevents_mode: string;
  disabled_at: string | null;
  disabled_reason?: string;
}

export interface WorkflowView extends WorkflowSummary {
  conditions: ConditionView[];
  actions: ActionView[];
}

export interface EventSourceView {
  id: string;
  display_name: string;
  events: { id: string; display_name: string }[];
}

export interface ActionSecret {
  secret: string;
  previous_secret?: string;
  previous_secret_expires_at?: string;
}

export interface RecentEvent {
  id: string;
  source?: string;
  type: string;
  subject_id?: string;
  timestamp: string;
  invocations?: { total: number; succeeded: number; failed: number; pending: number };
}

export interface EventPage {
  data: RecentEvent[];
  _links: PageLinks;
}

export interface EventView {
  id: string;
  source: string;
  type: string;
  timestamp: string;
  version: string;
  data: Record<string, unknown>;
  action_invocations: { workflow_id: string; workflow_action_id: string; status: 'pending' | 'successful' | 'failed' }[];
}

export interface AttemptView {
  invocation_id: string;
  timestamp: string;
  retry: boolean;
  succeeded: boolean;
  final: boolean;
  attempt?: number;
  duration_ms?: number | null;
  response_excerpt?: string | null;
  result_details: {
    status_code: number | null;
    url: string;
    headers: Record<string, string>;
    response_received_timestamp: string | null;
    /** Both also accepted at the attempt's level. */
    duration_ms?: number | null;
    response_excerpt?: string | null;
    error?: string;
    error_message?: string | null;
  };
}

export interface InvocationView {
  workflow_id: string;
  event_id: string;
  workflow_action_id: string;
  status: 'pending' | 'successful' | 'failed';
  next_attempt_at?: string | null;
  action_invocations: AttemptView[];
}

export interface EndpointHealth {
  action_id: string;
  url: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  window: { from: string; to: string };
  attempts: number;
  succeeded: number;
  success_rate: number | null;
  latency_ms: { p50: number; p95: number; p99: number } | null;
  series: { from: string; attempts: number; succeeded: number; p95_ms: number | null }[];
  breaker: { state: 'closed' | 'open' | 'unknown'; as_of: string | null };
}
