import { type DeliveryJob, mapActionSecrets } from '@hookstream/contracts';
import { AttemptRecord, AttemptResult, buildWebhookRequest, classifyAttempt, decideNextStep, deliveryTarget, NextStep, WebhookRequest } from '@hookstream/delivery-domain';
import type { BreakerRegistry, TenantOrigin, WebhookClient } from '@hookstream/delivery-http';
import { Logger, maskHeaders } from '@hookstream/logging';
import type { KeyRing } from '@hookstream/secrets';
import { inTrace, isTracing, Span, SpanKind, SpanStatusCode, tracer, withSpan } from '@hookstream/tracing';
import { Clock, systemClock } from './clock';

export interface AttemptExecutorOptions {
  timeScale: number;
  /** DELIVERY_MIN_RETRY_DELAY_MS: the shortest wait before a retry, whatever the job's schedule says. */
  minRetryDelayMs: number;
  publicBaseUrl: string;
  /** Opens the job's sealed secrets for this attempt only. */
  keyRing: KeyRing;
}

/** The origin a job goes to, as breakers and concurrency see it; undefined if the URL is unusable. */
export function endpointOf(url: string): string | undefined {
  try {
    const { protocol, origin } = new URL(url);
    return protocol === 'http:' || protocol === 'https:' ? origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One attempt of one job: build and sign the request, POST it through the
 * circuit breaker of the job's tenant for its origin, classify what came back and decide what follows.
 * Never throws.
 */
export class AttemptExecutor {
  constructor(
    private readonly client: WebhookClient,
    private readonly breakers: BreakerRegistry,
    private readonly options: AttemptExecutorOptions,
    private readonly logger: Logger,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The tenant's breaker for the origin is open: an attempt would be short-circuited at once. */
  isOpen(at: TenantOrigin): boolean {
    return this.breakers.state(at) === 'open';
  }

  /** While tracing is on, the attempt is a `webhook.deliver` span (see deliverSpan). */
  async attempt(job: DeliveryJob): Promise<AttemptRecord> {
    if (!isTracing()) return this.attemptOnce(job);
    const span = tracer().startSpan('webhook.deliver', { kind: SpanKind.CLIENT, attributes: deliverAttributes(job) });
    try {
      const record = await inTrace(withSpan(span), () => this.attemptOnce(job));
      describeAttempt(span, record);
      return record;
    } finally {
      span.end();
    }
  }

  private async attemptOnce(job: DeliveryJob): Promise<AttemptRecord> {
    const startedAt = new Date(this.clock.now());
    let request: WebhookRequest;
    try {
      // Opened here and nowhere else: the job that is logged, retried and dead-lettered keeps them sealed.
      const opened = { ...job, action: mapActionSecrets(job.action, (secret) => this.options.keyRing.openOrClear(secret)) };
      request = buildWebhookRequest(opened, { sentAt: startedAt, publicBaseUrl: this.options.publicBaseUrl });
    } catch (err) {
      // This job's event or action holds what no request can carry, or a secret this key ring cannot open: it fails alone, for good.
      return this.record(job, startedAt, {}, { kind: 'failure', failure: 'unsendable', message: `request could not be built: ${describe(err)}` });
    }
    const endpoint = endpointOf(request.url);
    const post = () => this.client.post({ tenantId: job.tenant_id, url: request.url, headers: request.headers, body: request.body, timeoutMs: job.action.timeout_ms });
    let result: AttemptResult;
    let sent = true;
    if (!endpoint) {
      result = await post();
    } else {
      const guarded = await this.breakers.run({ tenantId: job.tenant_id, origin: endpoint }, post, (r) => classifyAttempt(r, this.clock.now()).breakerFailure);
      if (guarded.shortCircuited) {
        sent = false;
        result = { kind: 'failure', failure: 'circuit_open', message: `circuit breaker open for ${endpoint}: not sent` };
      } else {
        result = guarded.value;
      }
    }
    if (result.kind === 'failure' && result.detail !== undefined) {
      // What the tenant's record leaves out (resolved addresses, internal names), for the operator.
      this.logger[result.failure === 'ssrf_blocked' ? 'warn' : 'debug'](
        { invocationId: job.invocation_id, tenantId: job.tenant_id, endpoint, failure: result.failure, detail: result.detail },
        result.failure === 'ssrf_blocked' ? 'destination not allowed' : 'attempt failed without a response',
      );
    }
    return this.record(job, startedAt, sent ? maskSecretHeaders(request.headers, request.secretHeaders) : {}, result);
  }

  private record(job: DeliveryJob, startedAt: Date, requestHeaders: Record<string, string>, result: AttemptResult): AttemptRecord {
    const nowMs = this.clock.now();
    const verdict = classifyAttempt(result, nowMs);
    let next: NextStep;
    try {
      next = decideNextStep(job, verdict, { nowMs, timeScale: this.options.timeScale, minRetryDelayMs: this.options.minRetryDelayMs });
    } catch (err) {
      next = { kind: 'give_up', reason: `next attempt could not be scheduled: ${describe(err)}`, disableEndpoint: false };
    }
    return { job, startedAt, durationMs: nowMs - startedAt.getTime(), requestHeaders, result, verdict, next };
  }
}

/** Who and which attempt: ids and the receiver's host, never its path, query or headers (they may hold credentials). */
function deliverAttributes(job: DeliveryJob): Record<string, string | number> {
  const attributes: Record<string, string | number> = {
    'hookstream.tenant_id': job.tenant_id,
    'hookstream.event_id': job.event.id,
    'hookstream.workflow_id': job.workflow_id,
    'hookstream.action_id': job.action.id,
    'hookstream.invocation_id': job.invocation_id,
    'hookstream.attempt': job.attempt,
    'http.request.method': 'POST',
  };
  const endpoint = endpointOf(deliveryTarget(job).url);
  if (endpoint) attributes['server.address'] = new URL(endpoint).hostname;
  return attributes;
}

/** How it ended: the status code if any, the outcome (succeeded, or the error kind) and what follows. */
function describeAttempt(span: Span, record: AttemptRecord): void {
  const { result, verdict, next } = record;
  if (result.kind === 'response') span.setAttribute('http.response.status_code', result.status);
  span.setAttribute('hookstream.outcome', verdict.succeeded ? 'succeeded' : (verdict.errorKind ?? 'failed'));
  span.setAttribute('hookstream.next', next.kind);
  if (!verdict.succeeded) span.setStatus({ code: SpanStatusCode.ERROR, message: verdict.errorKind ?? 'failed' });
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function maskSecretHeaders(headers: Record<string, string>, secret: readonly string[]): Record<string, string> {
  const masked = maskHeaders(Object.fromEntries(secret.filter((name) => name in headers).map((name) => [name, headers[name]])));
  return { ...headers, ...masked };
}
