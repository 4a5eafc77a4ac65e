import { DeliveryOutcome } from '@hookstream/contracts';
import { AttemptResult, buildOutcome, classifyAttempt, decideNextStep, nextAttemptJob } from './attempt';
import { deliveryJob } from './__fixtures__/delivery-job';

const now = Date.parse('2024-05-01T10:00:00Z');
const response = (status: number, retryAfter?: string): AttemptResult => ({ kind: 'response', status, retryAfter, body: '', receivedAt: new Date(now) });
const failure = (kind: Extract<AttemptResult, { kind: 'failure' }>['failure']): AttemptResult => ({ kind: 'failure', failure: kind, message: kind });

describe('classifyAttempt', () => {
  it.each([200, 201, 204, 299])('%i succeeds', (status) => {
    expect(classifyAttempt(response(status), now)).toMatchObject({ succeeded: true, retryable: false, breakerFailure: false, errorKind: null });
  });

  it.each([301, 302, 307, 308])('%i is a failed, retryable redirect that the breaker ignores', (status) => {
    expect(classifyAttempt(response(status), now)).toMatchObject({ succeeded: false, retryable: true, breakerFailure: false, errorKind: 'redirect' });
  });

  it.each([500, 502, 503, 504, 429])('%i is retried and counts against the breaker', (status) => {
    expect(classifyAttempt(response(status), now)).toMatchObject({ succeeded: false, retryable: true, breakerFailure: true, errorKind: 'http_status' });
  });

  it.each([400, 401, 403, 404, 422])('%i is retried but does not count against the breaker', (status) => {
    expect(classifyAttempt(response(status), now)).toMatchObject({ succeeded: false, retryable: true, breakerFailure: false });
  });

  it('410 is final and disables the endpoint', () => {
    expect(classifyAttempt(response(410), now)).toMatchObject({ retryable: false, disablesEndpoint: true, errorKind: 'endpoint_disabled', breakerFailure: false });
  });

  it('reads Retry-After on 429 and 503 only', () => {
    expect(classifyAttempt(response(429, '30'), now).retryAfterMs).toBe(30_000);
    expect(classifyAttempt(response(503, '7'), now).retryAfterMs).toBe(7_000);
    expect(classifyAttempt(response(500, '30'), now).retryAfterMs).toBeUndefined();
  });

  it('network errors and timeouts are retried and count against the breaker', () => {
    expect(classifyAttempt(failure('timeout'), now)).toMatchObject({ retryable: true, breakerFailure: true, errorKind: 'timeout' });
    expect(classifyAttempt(failure('network'), now)).toMatchObject({ retryable: true, breakerFailure: true, errorKind: 'network' });
  });

  it('blocked and invalid URLs are final and not the endpoint’s fault', () => {
    expect(classifyAttempt(failure('ssrf_blocked'), now)).toMatchObject({ retryable: false, breakerFailure: false, errorKind: 'ssrf_blocked' });
    expect(classifyAttempt(failure('invalid_url'), now)).toMatchObject({ retryable: false, breakerFailure: false, errorKind: 'invalid_url' });
  });

  it('a short-circuit is retried and never feeds the breaker', () => {
    expect(classifyAttempt(failure('circuit_open'), now)).toMatchObject({ retryable: true, breakerFailure: false, errorKind: 'circuit_open' });
  });
});

describe('decideNextStep', () => {
  const context = { nowMs: now, timeScale: 1, random: () => 0.5 };

  it('stops after a success', () => {
    expect(decideNextStep(deliveryJob(), classifyAttempt(response(200), now), context)).toEqual({ kind: 'done' });
  });

  it('schedules the next attempt at the policy delay, scaled', () => {
    const job = deliveryJob({ attempt: 2 });
    expect(decideNextStep(job, classifyAttempt(response(500), now), context)).toEqual({ kind: 'retry', attempt: 3, dueAt: new Date(now + 10 * 60_000) });
    expect(decideNextStep(job, classifyAttempt(response(500), now), { ...context, timeScale: 0.001 })).toEqual({ kind: 'retry', attempt: 3, dueAt: new Date(now + 600) });
  });

  it('waits at least the minimum retry delay, then scales it', () => {
    const job = deliveryJob({ action: { retry_policy: [0, 0] } });
    const verdict = classifyAttempt(response(500), now);
    expect(decideNextStep(job, verdict, context)).toEqual({ kind: 'retry', attempt: 2, dueAt: new Date(now + 1_000) });
    expect(decideNextStep(job, verdict, { ...context, minRetryDelayMs: 30_000 })).toMatchObject({ dueAt: new Date(now + 30_000) });
    expect(decideNextStep(job, verdict, { ...context, timeScale: 0.001 })).toMatchObject({ dueAt: new Date(now + 1) });
  });

  it('gives up when the schedule is exhausted', () => {
    const job = deliveryJob({ attempt: 3, action: { retry_policy: [10, 10] } });
    const step = decideNextStep(job, classifyAttempt(response(500), now), context);
    expect(step).toMatchObject({ kind: 'give_up', disableEndpoint: false });
    if (step.kind === 'give_up') expect(step.reason).toMatch(/exhausted after 3 attempts.*500/);
  });

  it('gives up at once on 410 and disables', () => {
    expect(decideNextStep(deliveryJob(), classifyAttempt(response(410), now), context)).toMatchObject({ kind: 'give_up', disableEndpoint: true });
  });

  it('gives up at once on a blocked address', () => {
    expect(decideNextStep(deliveryJob(), classifyAttempt(failure('ssrf_blocked'), now), context)).toMatchObject({ kind: 'give_up', disableEndpoint: false });
  });

  it('honours Retry-After within the schedule bounds', () => {
    const job = deliveryJob({ action: { retry_policy: [1_000, 60_000] } });
    expect(decideNextStep(job, classifyAttempt(response(429, '30'), now), context)).toMatchObject({ dueAt: new Date(now + 30_000) });
    expect(decideNextStep(job, classifyAttempt(response(503, '3600'), now), context)).toMatchObject({ dueAt: new Date(now + 60_000) });
  });

  it('counts a short-circuit as an attempt of the schedule', () => {
    const job = deliveryJob({ attempt: 1, action: { retry_policy: [1_000] } });
    expect(decideNextStep(job, classifyAttempt(failure('circuit_open'), now), context)).toMatchObject({ kind: 'retry', attempt: 2 });
    expect(decideNextStep({ ...job, attempt: 2 }, classifyAttempt(failure('circuit_open'), now), context)).toMatchObject({ kind: 'give_up' });
  });
});

describe('buildOutcome', () => {
  it('describes a failed attempt that will be retried, valid per the contract', () => {
    const job = deliveryJob({ attempt: 2, workflow_version: 7 });
    const result: AttemptResult = { kind: 'response', status: 503, body: 'busy', receivedAt: new Date(now + 40) };
    const verdict = classifyAttempt(result, now);
    const next = decideNextStep(job, verdict, { nowMs: now, timeScale: 1 });
    const outcome = buildOutcome({ job, startedAt: new Date(now), durationMs: 40, requestHeaders: { 'webhook-id': job.invocation_id }, result, verdict, next });
    expect(DeliveryOutcome.parse(outcome)).toEqual(outcome);
    expect(outcome).toMatchObject({
      invocation_id: job.invocation_id,
      event_id: job.event.id,
      workflow_version: 7,
      action_id: job.action.id,
      attempt: 2,
      retry: true,
      succeeded: false,
      final: false,
      status_code: 503,
      error_kind: 'http_status',
      response_body: 'busy',
      duration_ms: 40,
      next_attempt_at: new Date(now + 10 * 60_000).toISOString(),
    });
  });

  it('marks the last attempt final', () => {
    const job = deliveryJob({ action: { retry_policy: [] } });
    const result: AttemptResult = { kind: 'failure', failure: 'timeout', message: 'no answer within 10000 ms' };
    const verdict = classifyAttempt(result, now);
    const outcome = buildOutcome({ job, startedAt: new Date(now), durationMs: 10_000, requestHeaders: {}, result, verdict, next: decideNextStep(job, verdict, { nowMs: now, timeScale: 1 }) });
    expect(outcome).toMatchObject({ final: true, retry: false, status_code: null, error_kind: 'timeout', response_received_at: null, next_attempt_at: null });
    expect(buildOutcome({ job: { ...job, reflow: true }, startedAt: new Date(now), durationMs: 1, requestHeaders: {}, result, verdict, next: { kind: 'done' } }).retry).toBe(true);
  });
});

describe('nextAttemptJob', () => {
  it('carries the attempt number and due time', () => {
    const job = deliveryJob();
    const next = nextAttemptJob(job, { kind: 'retry', attempt: 2, dueAt: new Date(now) });
    expect(next).toMatchObject({ attempt: 2, due_at: new Date(now).toISOString(), invocation_id: job.invocation_id });
  });
});
