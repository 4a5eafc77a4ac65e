/** Whether a service traces, decided from the standard OTEL_* variables alone. */
export type TracingDecision = { on: true; serviceName: string } | { on: false; why: string };

type Env = Readonly<Record<string, string | undefined>>;

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * On only when an exporter endpoint is set: with nothing to send spans to,
 * no SDK starts and nothing is patched. OTEL_SDK_DISABLED and
 * OTEL_TRACES_EXPORTER=none turn it off as the specification says.
 */
export function decideTracing(service: string, env: Env): TracingDecision {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { on: false, why: 'OTEL_SDK_DISABLED=true' };
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return { on: false, why: 'OTEL_TRACES_EXPORTER=none' };
  if (!isSet(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && !isSet(env.OTEL_EXPORTER_OTLP_ENDPOINT)) {
    return { on: false, why: 'no OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT' };
  }
  return { on: true, serviceName: isSet(env.OTEL_SERVICE_NAME) ? env.OTEL_SERVICE_NAME.trim() : service };
}

/** Probes and scrapes, asked every few seconds: a trace each would bury the ones worth reading. */
export function isOpsRequest(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0];
  return path === '/metrics' || path === '/health' || path.startsWith('/health/');
}
