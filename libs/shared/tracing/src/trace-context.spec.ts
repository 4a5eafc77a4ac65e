import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { activeTrace, currentTraceIds, extractTrace, inTrace, injectTrace, isTracing, isUnpropagated, tracer, withoutTracePropagation, withSpan } from './trace-context';
import { shutdownTracing, traceWith } from './tracing-sdk';

describe('trace context while tracing is off', () => {
  it('costs nothing and says nothing', () => {
    expect(isTracing()).toBe(false);
    expect(activeTrace()).toBeUndefined();
    expect(currentTraceIds()).toBeUndefined();
    expect(inTrace(undefined, () => 42)).toBe(42);
    expect(withoutTracePropagation(() => isUnpropagated())).toBe(false);
  });
});

describe('trace context while tracing is on', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => traceWith({ service: 'test', exporter, batch: false, instrument: false }));
  afterAll(() => shutdownTracing());

  it('carries a span across headers: traceparent in, the same trace and parent out', () => {
    const span = tracer().startSpan('publish');
    const headers: Record<string, string> = {};
    injectTrace(withSpan(span), headers);
    span.end();
    expect(headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
    const remote = trace.getSpanContext(extractTrace(headers));
    expect(remote).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId, isRemote: true });
  });

  it('extracts nothing from missing or malformed headers, and injects nothing without a span', () => {
    expect(trace.getSpanContext(extractTrace({}))).toBeUndefined();
    expect(trace.getSpanContext(extractTrace({ traceparent: '00-zz-yy-01' }))).toBeUndefined();
    const headers: Record<string, string> = {};
    injectTrace(context.active(), headers);
    expect(headers).toEqual({});
  });

  it('gives the active span ids to log lines, and runs work in a given trace', () => {
    expect(currentTraceIds()).toBeUndefined();
    const span = tracer().startSpan('work');
    const ids = inTrace(withSpan(span), () => currentTraceIds());
    span.end();
    expect(ids).toEqual({ trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
  });

  it('propagates nothing from inside withoutTracePropagation, not even the parent it runs in', () => {
    const span = tracer().startSpan('deliver');
    const headers: Record<string, string> = {};
    const inside = inTrace(withSpan(span), () =>
      withoutTracePropagation(() => {
        injectTrace(context.active(), headers);
        return { unpropagated: isUnpropagated(), recording: tracer().startSpan('inner').isRecording() };
      }),
    );
    span.end();
    expect(inside).toEqual({ unpropagated: true, recording: false });
    expect(headers).toEqual({});
  });
});
