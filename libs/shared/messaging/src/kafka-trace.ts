import { activeTrace, extractTrace, injectTrace, isTracing, Span, SpanKind, SpanStatusCode, TRACE_HEADERS, tracer, TraceContext, withSpan } from '@hookstream/tracing';

/*
 * Trace context across Kafka, by hand: kafkajs' stock instrumentation
 * writes one context into every message of a grouped request and parents a
 * whole batch's handling under one message. Here each message carries the
 * context of its own "create" span, and each handled message gets its own
 * "process" span under it. Attribute names: OpenTelemetry messaging semconv.
 */

/** The message's own "create" span (one per message, as semconv asks for batched sends), its context in `traceparent`/`tracestate`. */
export function withTraceHeaders(topic: string, parent: TraceContext | undefined, headers: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!isTracing()) return headers;
  const span = tracer().startSpan(
    `${topic} create`,
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'kafka', 'messaging.operation.type': 'create', 'messaging.operation.name': 'create', 'messaging.destination.name': topic } },
    parent ?? activeTrace(),
  );
  const traced: Record<string, string> = {};
  // A header copied from another message must not pass for this one's parent.
  for (const [name, value] of Object.entries(headers ?? {})) if (!(TRACE_HEADERS as readonly string[]).includes(name)) traced[name] = value;
  injectTrace(withSpan(span, parent ?? activeTrace()), traced);
  span.end();
  return traced;
}

export interface ProcessedMessage {
  topic: string;
  partition: number;
  offset: string;
  headers: Record<string, string>;
}

/** The span of handling one message, child of the context its headers carry (a new trace if none); `trace` is for the work done for it. */
export function startProcessSpan(message: ProcessedMessage, groupId: string): { span: Span; trace: TraceContext } {
  const parent = extractTrace(message.headers);
  const span = tracer().startSpan(
    `${message.topic} process`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'kafka',
        'messaging.operation.type': 'process',
        'messaging.operation.name': 'process',
        'messaging.destination.name': message.topic,
        'messaging.destination.partition.id': String(message.partition),
        'messaging.kafka.offset': Number(message.offset),
        'messaging.consumer.group.name': groupId,
      },
    },
    parent,
  );
  return { span, trace: withSpan(span, parent) };
}

/** Marks a message's handling failed (dead-lettered), with why. */
export function failProcessSpan(span: Span | undefined, reason: string): void {
  span?.setStatus({ code: SpanStatusCode.ERROR, message: reason.slice(0, 500) });
}
