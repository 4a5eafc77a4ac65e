import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { decodeTraceExport, OtlpSpanKind } from './otlp-receiver';

describe('decodeTraceExport', () => {
  it('reads back what the OTLP proto exporter serialises: ids, parents, names, kinds, attributes, status, service', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'matcher' }), spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    const parent = tracer.startSpan('events process', { kind: SpanKind.CONSUMER, attributes: { 'messaging.kafka.offset': 17, ok: true, ratio: 0.5, topic: 'évents' } });
    const child = tracer.startSpan('jobs create', { kind: SpanKind.PRODUCER }, trace.setSpan(ROOT_CONTEXT, parent));
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'no' });
    child.end();
    parent.end();

    const bytes = ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans());
    const spans = decodeTraceExport(Buffer.from(bytes ?? []));

    const [decodedChild, decodedParent] = spans;
    expect(decodedParent).toEqual({
      service: 'matcher',
      traceId: parent.spanContext().traceId,
      spanId: parent.spanContext().spanId,
      name: 'events process',
      kind: OtlpSpanKind.consumer,
      attributes: { 'messaging.kafka.offset': 17, ok: true, ratio: 0.5, topic: 'évents' },
      statusCode: 0,
    });
    expect(decodedChild).toMatchObject({ parentSpanId: parent.spanContext().spanId, traceId: parent.spanContext().traceId, kind: OtlpSpanKind.producer, statusCode: 2 });
  });

  it('refuses a truncated body rather than inventing spans', () => {
    expect(() => decodeTraceExport(Buffer.from([0x0a, 0x10, 0x01]))).toThrow(RangeError);
  });
});
