import { Writable } from 'node:stream';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { inTrace, shutdownTracing, traceWith, tracer, withSpan } from '@hookstream/tracing';
import { createLogger } from './logger';

function capture() {
  const chunks: string[] = [];
  const logger = createLogger({ service: 'test', destination: new Writable({ write: (c, _e, cb) => (chunks.push(String(c)), cb()) }) });
  return { logger, lines: () => chunks.join('').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('log lines and traces', () => {
  it('carry no trace ids while tracing is off', () => {
    const { logger, lines } = capture();
    logger.info('off');
    expect(Object.keys(lines()[0])).not.toContain('trace_id');
  });

  describe('while tracing is on', () => {
    beforeAll(() => traceWith({ service: 'test', exporter: new InMemorySpanExporter(), batch: false, instrument: false }));
    afterAll(() => shutdownTracing());

    it('carry the active span\'s trace_id and span_id, and none outside a span', () => {
      const { logger, lines } = capture();
      const span = tracer().startSpan('work');
      inTrace(withSpan(span), () => logger.info({ eventId: 'evt_1' }, 'inside'));
      span.end();
      logger.info('outside');
      const [inside, outside] = lines();
      expect(inside).toMatchObject({ eventId: 'evt_1', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
      expect(Object.keys(outside)).not.toContain('trace_id');
    });
  });
});
