import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { decideTracing, isOpsRequest } from './tracing-config';
import { isUnpropagated, setTracer } from './trace-context';

interface Running {
  provider: NodeTracerProvider;
  stopInstrumenting: () => void;
}

let running: Running | undefined;

/**
 * Starts tracing for `service` if the OTEL_* variables ask for it (see
 * decideTracing); a no-op otherwise. Must run before pg, http or undici are
 * loaded, which is why each service's main.ts imports its tracing.ts first.
 * The SDK reads the rest itself: the OTLP endpoint and headers, the sampler
 * (OTEL_TRACES_SAMPLER, _ARG), the batch processor's pace (OTEL_BSP_*).
 * OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES override the resource.
 */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const decision = decideTracing(service, env);
  if (!decision.on || running) return running !== undefined;
  traceWith({ service: decision.serviceName, exporter: new OTLPTraceExporter(), batch: true, instrument: true });
  return true;
}

export interface TraceWithOptions {
  service: string;
  exporter: SpanExporter;
  /** Export in batches (OTEL_BSP_*) rather than each span as it ends (tests read them at once). */
  batch: boolean;
  /** Patch http, undici and pg; a unit test tracing only its own spans leaves them alone. */
  instrument: boolean;
}

/** Starts the SDK with this exporter: what startTracing does with OTLP, and what tests do with an in-memory one. */
export function traceWith(options: TraceWithOptions): void {
  if (running) throw new Error('tracing already started');
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.service }).merge(detectResources({ detectors: [envDetector] }));
  const processor = options.batch ? new BatchSpanProcessor(options.exporter) : new SimpleSpanProcessor(options.exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [processor] });
  // W3C trace context only: no baggage, nothing beyond traceparent and tracestate.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const stopInstrumenting = options.instrument
    ? registerInstrumentations({
        tracerProvider: provider,
        instrumentations: [
          new HttpInstrumentation({
            ignoreIncomingRequestHook: (request) => isOpsRequest(request.url),
            ignoreOutgoingRequestHook: () => isUnpropagated(),
            // A call made outside any trace (a poll, a reload) is not worth a trace of its own.
            requireParentforOutgoingSpans: true,
          }),
          new UndiciInstrumentation({ ignoreRequestHook: () => isUnpropagated(), requireParentforSpans: true }),
          new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
        ],
      })
    : () => undefined;
  running = { provider, stopInstrumenting };
  setTracer(provider.getTracer('hookstream'));
}

/** Ends every span still buffered (sent to the exporter) and stops tracing; for the service's shutdown. */
export async function shutdownTracing(): Promise<void> {
  const stopping = running;
  if (!stopping) return;
  running = undefined;
  setTracer(undefined);
  stopping.stopInstrumenting();
  await stopping.provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
}
