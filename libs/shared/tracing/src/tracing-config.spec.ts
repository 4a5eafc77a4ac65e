import { decideTracing, isOpsRequest } from './tracing-config';

describe('decideTracing', () => {
  it('is off without an exporter endpoint, whatever else is set', () => {
    expect(decideTracing('matcher', {})).toEqual({ on: false, why: expect.stringContaining('OTEL_EXPORTER_OTLP_ENDPOINT') });
    expect(decideTracing('matcher', { OTEL_SERVICE_NAME: 'x', OTEL_TRACES_SAMPLER: 'always_on', OTEL_EXPORTER_OTLP_ENDPOINT: '  ' }).on).toBe(false);
  });

  it('is on with either endpoint, named after the service unless OTEL_SERVICE_NAME says otherwise', () => {
    expect(decideTracing('matcher', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ on: true, serviceName: 'matcher' });
    expect(decideTracing('delivery', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toEqual({ on: true, serviceName: 'delivery' });
    expect(decideTracing('delivery', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SERVICE_NAME: 'hookstream-delivery' })).toEqual({ on: true, serviceName: 'hookstream-delivery' });
  });

  it('is off when the SDK is disabled or the traces exporter is none, endpoint or not', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(decideTracing('gateway', { ...endpoint, OTEL_SDK_DISABLED: 'TRUE' })).toEqual({ on: false, why: 'OTEL_SDK_DISABLED=true' });
    expect(decideTracing('gateway', { ...endpoint, OTEL_SDK_DISABLED: 'false' }).on).toBe(true);
    expect(decideTracing('gateway', { ...endpoint, OTEL_TRACES_EXPORTER: 'none' })).toEqual({ on: false, why: 'OTEL_TRACES_EXPORTER=none' });
  });
});

describe('isOpsRequest', () => {
  it('is true for probes and scrapes only', () => {
    for (const url of ['/health', '/health/ready', '/health/live?x=1', '/metrics']) expect(isOpsRequest(url)).toBe(true);
    for (const url of ['/events', '/healthy', '/api/v1/metrics', undefined]) expect(isOpsRequest(url)).toBe(false);
  });
});
