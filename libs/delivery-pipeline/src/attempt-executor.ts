import type { DeliveryJob } from '@hookstream/contracts';
import { AttemptRecord, AttemptResult, buildWebhookRequest, classifyAttempt, decideNextStep } from '@hookstream/delivery-domain';
import type { BreakerRegistry, WebhookClient } from '@hookstream/delivery-http';
import { maskHeaders } from '@hookstream/logging';

export interface AttemptExecutorOptions {
  timeScale: number;
  publicBaseUrl: string;
}

/** The endpoint a job goes to, as breakers and concurrency see it; undefined if the URL is unusable. */
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
 * endpoint's circuit breaker, classify what came back and decide what follows.
 * Never throws.
 */
export class AttemptExecutor {
  constructor(
    private readonly client: WebhookClient,
    private readonly breakers: BreakerRegistry,
    private readonly options: AttemptExecutorOptions,
  ) {}

  /** The endpoint's breaker is open: an attempt would be short-circuited at once. */
  isOpen(endpoint: string): boolean {
    return this.breakers.state(endpoint) === 'open';
  }

  async attempt(job: DeliveryJob): Promise<AttemptRecord> {
    const startedAt = new Date();
    const request = buildWebhookRequest(job, { sentAt: startedAt, publicBaseUrl: this.options.publicBaseUrl });
    const endpoint = endpointOf(job.target_url);
    let result: AttemptResult;
    let sent = true;
    if (!endpoint) {
      result = await this.client.post({ url: job.target_url, headers: request.headers, body: request.body, timeoutMs: job.action.timeout_ms });
    } else {
      const guarded = await this.breakers.run(
        endpoint,
        () => this.client.post({ url: job.target_url, headers: request.headers, body: request.body, timeoutMs: job.action.timeout_ms }),
        (r) => classifyAttempt(r, Date.now()).breakerFailure,
      );
      if (guarded.shortCircuited) {
        sent = false;
        result = { kind: 'failure', failure: 'circuit_open', message: `circuit breaker open for ${endpoint}: not sent` };
      } else {
        result = guarded.value;
      }
    }
    const nowMs = Date.now();
    const verdict = classifyAttempt(result, nowMs);
    return {
      job,
      startedAt,
      durationMs: nowMs - startedAt.getTime(),
      requestHeaders: sent ? maskSecretHeaders(request.headers, request.secretHeaders) : {},
      result,
      verdict,
      next: decideNextStep(job, verdict, { nowMs, timeScale: this.options.timeScale }),
    };
  }
}

function maskSecretHeaders(headers: Record<string, string>, secret: readonly string[]): Record<string, string> {
  const masked = maskHeaders(Object.fromEntries(secret.filter((name) => name in headers).map((name) => [name, headers[name]])));
  return { ...headers, ...masked };
}
