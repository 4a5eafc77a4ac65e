import { randomBytes } from 'node:crypto';
import { Topics } from '@hookstream/contracts';
import { HttpReceiver, OtlpReceiver, OtlpSpanKind, ReceivedSpan, TestPlatform, waitFor } from '@hookstream/testing';

/**
 * One event, one trace: the services export to an OTLP receiver here, an
 * event goes in over HTTP, and its spans from the gateway to the receiver's
 * answer (and the read models) share a trace, each parented on the span that
 * caused it, while the merchant's receiver sees no trace header.
 */
describe('tracing across the platform', () => {
  const otlp = new OtlpReceiver();
  const receiver = new HttpReceiver();
  let platform: TestPlatform;

  beforeAll(async () => {
    await otlp.start();
    await receiver.start();
    platform = new TestPlatform({ label: 'trace', env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_BSP_SCHEDULE_DELAY: '100', RETRY_TIME_SCALE: '0.001' } });
    await platform.start();
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await receiver.stop();
    await otlp.stop();
  }, 60_000);

  it('puts one event\'s spans from ingest, matcher, delivery and projection in one trace, parented correctly, and sends the receiver no trace header', async () => {
    const created = await platform.api('POST', '/api/v1/webhooks', { topic: 'order.created', url: receiver.url('/traced?token=s3cret') });
    expect(created.status).toBe(201);

    // Until the matcher has loaded the subscription: events sent before it match nothing and deliver nothing.
    let n = 0;
    await waitFor(
      async () => {
        const res = await platform.api('POST', '/events', { source: 'orders', type: 'order.created', subject_id: `ord_${n}`, data: { id: n++ } });
        expect(res.status).toBe(202);
        return waitFor(() => receiver.on('/traced').length > 0, { timeoutMs: 3000 }).catch(() => false);
      },
      { timeoutMs: 60_000, what: 'a delivery' },
    );

    const deliver = await waitFor(() => otlp.spans.find((s) => s.name === 'webhook.deliver'), { timeoutMs: 30_000, what: 'the webhook.deliver span' });
    const inTrace = (match: (s: ReceivedSpan) => boolean) => () => otlp.trace(deliver.traceId).find(match);
    const one = (what: string, match: (s: ReceivedSpan) => boolean) => waitFor(inTrace(match), { timeoutMs: 30_000, what });
    const of = (service: string, kind: number, suffix: string) => (s: ReceivedSpan) => s.service === service && s.kind === kind && s.name.endsWith(suffix);

    const gatewayRequest = await one('the gateway request', (s) => s.service === 'gateway' && s.kind === OtlpSpanKind.server && s.name.startsWith('POST'));
    const ingestRequest = await one('the ingest request', (s) => s.service === 'event-ingest' && s.kind === OtlpSpanKind.server);
    const eventCreated = await one('the canonical event', of('event-ingest', OtlpSpanKind.producer, `${Topics.events.name} create`));
    const matched = await one('the matcher', of('matcher', OtlpSpanKind.consumer, `${Topics.events.name} process`));
    const jobCreated = await one('the delivery job', of('matcher', OtlpSpanKind.producer, `${Topics.deliveryJobs.name} create`));
    const delivered = await one('delivery', of('delivery', OtlpSpanKind.consumer, `${Topics.deliveryJobs.name} process`));
    const outcomeCreated = await one('the outcome', of('delivery', OtlpSpanKind.producer, `${Topics.deliveryOutcomes.name} create`));
    const projectedEvent = await one('the projected event', of('projection', OtlpSpanKind.consumer, `${Topics.events.name} process`));
    const projectedOutcome = await one('the projected outcome', of('projection', OtlpSpanKind.consumer, `${Topics.deliveryOutcomes.name} process`));

    const byId = new Map(otlp.trace(deliver.traceId).map((s) => [s.spanId, s]));
    const ancestors = (span: ReceivedSpan): string[] => {
      const chain: string[] = [];
      for (let at = span.parentSpanId; at !== undefined; at = byId.get(at)?.parentSpanId) chain.push(at);
      return chain;
    };

    // The request is the root; the internal call to event-ingest and the canonical event descend from it.
    expect(gatewayRequest.parentSpanId).toBeUndefined();
    expect(ancestors(ingestRequest)).toContain(gatewayRequest.spanId);
    expect(ancestors(eventCreated)).toContain(ingestRequest.spanId);
    // Each consumer span's parent is the span that published its message.
    expect(matched.parentSpanId).toBe(eventCreated.spanId);
    expect(projectedEvent.parentSpanId).toBe(eventCreated.spanId);
    expect(jobCreated.parentSpanId).toBe(matched.spanId);
    expect(delivered.parentSpanId).toBe(jobCreated.spanId);
    expect(deliver.parentSpanId).toBe(delivered.spanId);
    expect(ancestors(deliver)).toContain(ingestRequest.spanId);
    expect(outcomeCreated.parentSpanId).toBe(delivered.spanId);
    expect(projectedOutcome.parentSpanId).toBe(outcomeCreated.spanId);

    // The attempt, without the receiver's path, query or credentials.
    expect(deliver.attributes).toMatchObject({ 'http.response.status_code': 200, 'hookstream.attempt': 1, 'hookstream.outcome': 'succeeded', 'server.address': '127.0.0.1' });
    expect(JSON.stringify(deliver.attributes)).not.toMatch(/traced|s3cret/);

    // Nothing of the trace reached the merchant, and no instrumentation made a span of the post.
    for (const request of receiver.requests) {
      expect(request.headers.traceparent).toBeUndefined();
      expect(request.headers.tracestate).toBeUndefined();
      expect(request.headers.baggage).toBeUndefined();
    }
    expect(otlp.spans.filter((s) => s.service === 'delivery' && s.kind === OtlpSpanKind.client && s.name !== 'webhook.deliver')).toEqual([]);
  }, 180_000);

  it('carries the trace through a retry tier: the second attempt descends from the first', async () => {
    receiver.script('/retried', { status: 500 }, { status: 200 });
    const created = await platform.api('POST', '/api/v1/webhooks', { topic: 'order.updated', url: receiver.url('/retried') });
    expect(created.status).toBe(201);
    let n = 0;
    await waitFor(
      async () => {
        const res = await platform.api('POST', '/events', { source: 'orders', type: 'order.updated', subject_id: `ord_r${n}`, data: { id: n++ } });
        expect(res.status).toBe(202);
        return waitFor(() => receiver.on('/retried').length > 1, { timeoutMs: 5000 }).catch(() => false);
      },
      { timeoutMs: 60_000, what: 'a retried delivery' },
    );
    const isRetry = (s: ReceivedSpan) => s.name === 'webhook.deliver' && s.attributes['hookstream.attempt'] === 2;
    const second = await waitFor(() => otlp.spans.find(isRetry), { timeoutMs: 30_000, what: 'the second attempt' });
    const spanIn = (what: string, match: (s: ReceivedSpan) => boolean) => waitFor(() => otlp.trace(second.traceId).find(match), { timeoutMs: 30_000, what });
    const first = await spanIn('the first attempt', (s) => s.name === 'webhook.deliver' && s.attributes['hookstream.attempt'] === 1);
    expect(first.attributes).toMatchObject({ 'http.response.status_code': 500, 'hookstream.next': 'retry' });
    expect(first.statusCode).toBe(2);
    const retryQueued = await spanIn('the retry', (s) => s.kind === OtlpSpanKind.producer && s.name.includes('delivery.retry.'));
    const retryRead = await spanIn('the retry read back', (s) => s.kind === OtlpSpanKind.consumer && s.name.includes('delivery.retry.'));
    expect(retryQueued.parentSpanId).toBe(first.parentSpanId);
    expect(retryRead.parentSpanId).toBe(retryQueued.spanId);
    expect(second.parentSpanId).toBe(retryRead.spanId);
    expect(second.attributes).toMatchObject({ 'http.response.status_code': 200, 'hookstream.outcome': 'succeeded' });
  }, 120_000);

  it('continues the trace a producer puts on its Kafka message', async () => {
    const kafka = await platform.kafka('trace-producer', [Topics.producerEvents]);
    const traceId = randomBytes(16).toString('hex');
    const producerSpanId = randomBytes(8).toString('hex');
    try {
      const value = JSON.stringify({ id: 'pay_traced_1', source: 'gateway', type: 'payment_approved', tenant: platform.tenantId, subject_id: 'sub_traced', data: {} });
      await kafka.publisher.publishEncoded(Topics.producerEvents, [{ key: 'sub_traced', value, headers: { traceparent: `00-${traceId}-${producerSpanId}-01` } }]);
    } finally {
      await kafka.disconnect();
    }
    const spanIn = (what: string, match: (s: ReceivedSpan) => boolean) => waitFor(() => otlp.trace(traceId).find(match), { timeoutMs: 30_000, what });
    const ingested = await spanIn('the ingest of the producer message', (s) => s.service === 'event-ingest' && s.name.endsWith(`${Topics.producerEvents.name} process`));
    expect(ingested.parentSpanId).toBe(producerSpanId);
    const created = await spanIn('the canonical event', (s) => s.service === 'event-ingest' && s.name.endsWith(`${Topics.events.name} create`));
    expect(created.parentSpanId).toBe(ingested.spanId);
    const matched = await spanIn('the matcher', (s) => s.service === 'matcher' && s.name.endsWith(`${Topics.events.name} process`));
    expect(matched.parentSpanId).toBe(created.spanId);
  }, 60_000);
});
