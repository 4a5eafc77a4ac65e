import { Context, context, createContextKey, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace, Tracer, type Attributes } from '@opentelemetry/api';
import { defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { isTracingSuppressed, suppressTracing, W3CTraceContextPropagator } from '@opentelemetry/core';

/** Where a piece of work belongs in its trace: OpenTelemetry's context, opaque to callers. */
export type TraceContext = Context;
export type { Span, Attributes };
export { SpanKind, SpanStatusCode };

/** The headers a trace travels in (W3C trace context); nothing else is propagated. */
export const TRACE_HEADERS = ['traceparent', 'tracestate'] as const;

const propagator = new W3CTraceContextPropagator();
const UNPROPAGATED = createContextKey('hookstream: no trace headers leave this context');

/** Set by startTracing; every other function here is a no-op (and nearly free) while it is not. */
let activeTracer: Tracer | undefined;

export function setTracer(tracer: Tracer | undefined): void {
  activeTracer = tracer;
}

/** Tracing is on in this process: span work is worth doing. */
export function isTracing(): boolean {
  return activeTracer !== undefined;
}

export function tracer(): Tracer {
  return activeTracer ?? trace.getTracer('hookstream');
}

/** The context active now, or undefined when tracing is off (so callers need not carry it). */
export function activeTrace(): TraceContext | undefined {
  return activeTracer ? context.active() : undefined;
}

/** Runs `fn` with `trace` active (its spans, pg queries and publishes are children of it); as is when there is none. */
export function inTrace<T>(traceContext: TraceContext | undefined, fn: () => T): T {
  return activeTracer && traceContext ? context.with(traceContext, fn) : fn();
}

/** Adds `traceparent` (and `tracestate`) for `traceContext` to `headers`; nothing when it holds no valid span. */
export function injectTrace(traceContext: TraceContext, headers: Record<string, string>): void {
  propagator.inject(traceContext, headers, defaultTextMapSetter);
}

/** The remote parent `headers` carry, as a context to start a span in; the root context when they carry none (or a malformed one). */
export function extractTrace(headers: Readonly<Record<string, string>>): TraceContext {
  return propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

/**
 * Runs `fn` so that nothing it sends carries trace headers and no span is
 * made for it: for requests to merchants' receivers, who must not learn
 * our trace ids.
 */
export function withoutTracePropagation<T>(fn: () => T): T {
  if (!activeTracer) return fn();
  return context.with(suppressTracing(context.active()).setValue(UNPROPAGATED, true), fn);
}

/** A request made inside withoutTracePropagation: the HTTP instrumentations leave it alone. */
export function isUnpropagated(traceContext: TraceContext = context.active()): boolean {
  return traceContext.getValue(UNPROPAGATED) === true || isTracingSuppressed(traceContext);
}

/** The ids a log line carries: those of the span active now, if tracing is on and one is. */
export function currentTraceIds(): { trace_id: string; span_id: string } | undefined {
  if (!activeTracer) return undefined;
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return trace.isSpanContextValid(span.spanContext()) ? { trace_id: traceId, span_id: spanId } : undefined;
}

/** The context with `span` active, for the work done on its behalf. */
export function withSpan(span: Span, parent: TraceContext = context.active()): TraceContext {
  return trace.setSpan(parent, span);
}
