import { SpanKind, trace } from '@opentelemetry/api';
import { z } from 'zod';
import { defineTopic } from '@hookstream/contracts';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { extractTrace, inTrace, shutdownTracing, traceWith, tracer, withSpan } from '@hookstream/tracing';
import { EncodedMessage, encodeMessage } from './message-publisher';
import { startProcessSpan } from './kafka-trace';

/** The headers as a consumer reads them: strings. */
const headersOf = (message: EncodedMessage): Record<string, string> => Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));

const contract = defineTopic({ name: 'test.thing.happened.v1', partitions: 1, schema: z.object({ n: z.number() }), key: (v) => `k${v.n}` });

describe('Kafka trace context while tracing is off', () => {
  it('leaves the headers as they were', () => {
    expect(encodeMessage(contract, { value: { n: 1 } }).headers).toBeUndefined();
    expect(encodeMessage(contract, { value: { n: 1 }, headers: { a: 'b' } }).headers).toEqual({ a: 'b' });
  });
});

describe('Kafka trace context while tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => traceWith({ service: 'test', exporter, batch: false, instrument: false }));
  afterAll(() => shutdownTracing());
  beforeEach(() => exporter.reset());

  const spanOf = (spanId: string) => exporter.getFinishedSpans().find((s) => s.spanContext().spanId === spanId);

  it('gives each message its own create span, child of the trace it was made for, however they are grouped', () => {
    const first = tracer().startSpan('first');
    const second = tracer().startSpan('second');
    // Encoded together, in a third context: each follows its own.
    const [a, b] = inTrace(withSpan(tracer().startSpan('batch')), () => [
      encodeMessage(contract, { value: { n: 1 }, trace: withSpan(first) }),
      encodeMessage(contract, { value: { n: 2 }, trace: withSpan(second) }),
    ]);
    const createA = spanOf(trace.getSpanContext(extractTrace(headersOf(a)))?.spanId ?? '');
    const createB = spanOf(trace.getSpanContext(extractTrace(headersOf(b)))?.spanId ?? '');
    expect(createA).toMatchObject({ name: 'test.thing.happened.v1 create', kind: SpanKind.PRODUCER });
    expect(createA?.parentSpanContext?.spanId).toBe(first.spanContext().spanId);
    expect(createA?.spanContext().traceId).toBe(first.spanContext().traceId);
    expect(createB?.parentSpanContext?.spanId).toBe(second.spanContext().spanId);
    expect(createA?.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'test.thing.happened.v1' });
  });

  it('follows the active context when none is given, and replaces a traceparent copied from another message', () => {
    const parent = tracer().startSpan('request');
    const copied = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const headers = headersOf(inTrace(withSpan(parent), () => encodeMessage(contract, { value: { n: 1 }, headers: { traceparent: copied, tracestate: 'x=y', keep: 'me' } })));
    expect(headers.keep).toBe('me');
    expect(headers.tracestate).toBeUndefined();
    expect(headers.traceparent).toContain(parent.spanContext().traceId);
    expect(spanOf(trace.getSpanContext(extractTrace(headers))?.spanId ?? '')?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });

  it('starts a message\'s process span under the context its headers carry, or a new trace without one', () => {
    const headers = headersOf(encodeMessage(contract, { value: { n: 1 }, trace: withSpan(tracer().startSpan('upstream')) }));
    const message = { topic: 'p.test.thing.happened.v1', partition: 2, offset: '17', headers };
    const { span, trace: context } = startProcessSpan(message, 'p.matcher');
    span.end();
    const [processed] = exporter.getFinishedSpans().filter((s) => s.name === 'p.test.thing.happened.v1 process');
    expect(processed.kind).toBe(SpanKind.CONSUMER);
    expect(processed.parentSpanContext?.spanId).toBe(trace.getSpanContext(extractTrace(message.headers))?.spanId);
    expect(processed.attributes).toMatchObject({ 'messaging.destination.partition.id': '2', 'messaging.kafka.offset': 17, 'messaging.consumer.group.name': 'p.matcher' });
    expect(trace.getSpan(context)?.spanContext().spanId).toBe(processed.spanContext().spanId);

    const orphan = startProcessSpan({ ...message, headers: {} }, 'p.matcher');
    orphan.span.end();
    expect(exporter.getFinishedSpans().at(-1)?.parentSpanContext).toBeUndefined();
  });
});
