import { storableText, type DeliveryErrorKind, type DeliveryJob, type DeliveryOutcome } from '@hookstream/contracts';
import { deliveryTarget } from './delivery-target';
import { parseRetryAfter, resolveRetryPolicy, retryDelayMs, retryScheduleProblem, scaleDelay } from './retry-policy';

/**
 * Failures that happen before or instead of an HTTP response;
 * `unsendable`: the job's request could not be built (its event or action
 * holds what no webhook can carry).
 */
export type AttemptFailureKind = 'timeout' | 'network' | 'ssrf_blocked' | 'invalid_url' | 'circuit_open' | 'unsendable';

/** What one attempt produced: a response of any status, or no response. */
export type AttemptResult =
  | {
      kind: 'response';
      status: number;
      /** The Retry-After header, if any. */
      retryAfter?: string;
      /** Read up to the body cap; truncated. */
      body: string | null;
      receivedAt: Date;
    }
  /** `message` goes into the attempt record the tenant reads; `detail` (internal names and addresses) only to the service log. */
  | { kind: 'failure'; failure: AttemptFailureKind; message: string; detail?: string };

export interface AttemptVerdict {
  succeeded: boolean;
  /** Another attempt may follow, if the schedule has one left. */
  retryable: boolean;
  errorKind: DeliveryErrorKind | null;
  errorMessage: string | null;
  /** Counts against the endpoint's circuit breaker: network errors, timeouts, 5xx, 429. */
  breakerFailure: boolean;
  /** 410 Gone: the receiver asks us to stop, for good. */
  disablesEndpoint: boolean;
  /** The receiver's Retry-After, in ms (429 and 503 only). */
  retryAfterMs?: number;
}

/** Success is 2xx only; 3xx is a failure (redirects are never followed). */
export function classifyAttempt(result: AttemptResult, nowMs: number): AttemptVerdict {
  const none = { succeeded: false, retryable: true, breakerFailure: false, disablesEndpoint: false } as const;
  if (result.kind === 'failure') {
    switch (result.failure) {
      case 'timeout':
      case 'network':
        return { ...none, breakerFailure: true, errorKind: result.failure, errorMessage: result.message };
      case 'ssrf_blocked':
      case 'invalid_url':
      case 'unsendable':
        // The same URL can never succeed: no retry, and not the endpoint's fault.
        return { ...none, retryable: false, errorKind: result.failure, errorMessage: result.message };
      case 'circuit_open':
        return { ...none, errorKind: 'circuit_open', errorMessage: result.message };
    }
  }
  const { status } = result;
  if (status >= 200 && status < 300) {
    return { ...none, succeeded: true, retryable: false, errorKind: null, errorMessage: null };
  }
  if (status === 410) {
    return { ...none, retryable: false, disablesEndpoint: true, errorKind: 'endpoint_disabled', errorMessage: 'receiver answered 410 Gone' };
  }
  if (status >= 300 && status < 400) {
    return { ...none, errorKind: 'redirect', errorMessage: `receiver answered ${status}; redirects are not followed` };
  }
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(result.retryAfter, nowMs) : undefined;
  return {
    ...none,
    breakerFailure: status >= 500 || status === 429,
    errorKind: 'http_status',
    errorMessage: `receiver answered ${status}`,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

export type NextStep =
  | { kind: 'done' }
  | { kind: 'retry'; attempt: number; dueAt: Date }
  | { kind: 'give_up'; reason: string; disableEndpoint: boolean };

export interface ScheduleContext {
  nowMs: number;
  /** RETRY_TIME_SCALE: scales the wait once it is clamped to minRetryDelayMs. */
  timeScale: number;
  /** DELIVERY_MIN_RETRY_DELAY_MS; RetryScheduleBounds.minDelayMs unless given. */
  minRetryDelayMs?: number;
  random?: () => number;
}

/** After an attempt: stop, or the next attempt and when it is due. */
export function decideNextStep(job: Pick<DeliveryJob, 'attempt' | 'action'>, verdict: AttemptVerdict, context: ScheduleContext): NextStep {
  if (verdict.succeeded) return { kind: 'done' };
  if (verdict.disablesEndpoint) return { kind: 'give_up', reason: 'endpoint answered 410 Gone: action disabled', disableEndpoint: true };
  if (!verdict.retryable) return { kind: 'give_up', reason: `${verdict.errorKind}: ${verdict.errorMessage}`, disableEndpoint: false };
  const policy = resolveRetryPolicy(job.action.retry_policy);
  const problem = retryScheduleProblem(policy);
  if (problem) return { kind: 'give_up', reason: `${problem}; last: ${verdict.errorKind}: ${verdict.errorMessage}`, disableEndpoint: false };
  const delay = retryDelayMs(policy, job.attempt, { random: context.random, retryAfterMs: verdict.retryAfterMs, minDelayMs: context.minRetryDelayMs });
  if (delay === null) {
    return {
      kind: 'give_up',
      reason: `retry schedule '${policy.name}' exhausted after ${job.attempt} attempts; last: ${verdict.errorKind}: ${verdict.errorMessage}`,
      disableEndpoint: false,
    };
  }
  const dueAt = new Date(context.nowMs + scaleDelay(delay, context.timeScale));
  if (Number.isNaN(dueAt.getTime())) return { kind: 'give_up', reason: `retry_policy_invalid: a delay of ${delay} ms ends past any date`, disableEndpoint: false };
  return { kind: 'retry', attempt: job.attempt + 1, dueAt };
}

export interface AttemptRecord {
  job: DeliveryJob;
  startedAt: Date;
  durationMs: number;
  /** As sent, secrets already masked. */
  requestHeaders: Record<string, string>;
  result: AttemptResult;
  verdict: AttemptVerdict;
  next: NextStep;
}

/** Past the body cap (bytes) even if every byte became a character of its own. */
const MAX_RESPONSE_BODY_CHARS = 64 * 1024;
const MAX_ERROR_MESSAGE_CHARS = 2_000;

/** Which invocation, event, workflow (at which version), action and attempt a job is: what every record about it names. */
export function jobIdentity(job: DeliveryJob) {
  return {
    invocation_id: job.invocation_id,
    tenant_id: job.tenant_id,
    event_id: job.event.id,
    workflow_id: job.workflow_id,
    workflow_version: job.workflow_version,
    action_id: job.action.id,
    attempt: job.attempt,
  };
}

/** The outcome message of one attempt (key: event id). */
export function buildOutcome(record: AttemptRecord): DeliveryOutcome {
  const { job, result, verdict, next } = record;
  const response = result.kind === 'response' ? result : undefined;
  return {
    ...jobIdentity(job),
    timestamp: record.startedAt.toISOString(),
    // A reflow re-sends an invocation: a retry too, though its attempts count from 1 again.
    retry: job.attempt > 1 || job.reflow === true,
    succeeded: verdict.succeeded,
    final: next.kind !== 'retry',
    status_code: response?.status ?? null,
    error_kind: verdict.errorKind,
    error_message: verdict.errorMessage === null ? null : storableText(verdict.errorMessage, MAX_ERROR_MESSAGE_CHARS),
    url: deliveryTarget(job).url,
    request_headers: record.requestHeaders,
    // The receiver's bytes: whatever they hold, the read models must be able to store them.
    response_body: response?.body == null ? null : storableText(response.body, MAX_RESPONSE_BODY_CHARS),
    response_received_at: response ? response.receivedAt.toISOString() : null,
    duration_ms: Math.max(0, record.durationMs),
    next_attempt_at: next.kind === 'retry' ? next.dueAt.toISOString() : null,
  };
}

/** The job of the next attempt. */
export function nextAttemptJob(job: DeliveryJob, next: Extract<NextStep, { kind: 'retry' }>): DeliveryJob {
  return { ...job, attempt: next.attempt, due_at: next.dueAt.toISOString() };
}
