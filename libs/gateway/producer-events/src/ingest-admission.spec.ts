import { RateLimitedError } from '@hookstream/gateway-http';
import { Metrics } from '@hookstream/service-runtime';
import { eventCount, IngestAdmission } from './ingest-admission';
import { IngestRateLimiter } from './ingest-rate-limit';

describe('ingest admission', () => {
  it('charges an event 1, a batch its events, and anything else 1 (event-ingest refuses it)', () => {
    expect(eventCount({ type: 'payment_approved' })).toBe(1);
    expect(eventCount([{}, {}, {}])).toBe(3);
    expect(eventCount([])).toBe(1);
    expect(eventCount('not json')).toBe(1);
    expect(eventCount(null)).toBe(1);
  });

  it('refuses a tenant over its rate with RateLimitedError and counts it; without a limiter lets everything in', async () => {
    const metrics = new Metrics('gateway');
    const admission = new IngestAdmission(new IngestRateLimiter({ perSecond: 1, burst: 2 }, { clock: () => 0 }), metrics);
    admission.admit('ten_a', 'batch', [{}, {}]);
    expect(() => admission.admit('ten_a', 'events', {})).toThrow(RateLimitedError);
    expect(() => admission.admit('ten_a', 'events', {})).toThrow(expect.objectContaining({ retryAfterSeconds: 1 }));
    admission.admit('ten_b', 'events', {});
    expect(await metrics.registry.getSingleMetricAsString('hookstream_gateway_ingest_rate_limited_total')).toContain('hookstream_gateway_ingest_rate_limited_total{route="events",service="gateway"} 2');

    const unlimited = new IngestAdmission(null, new Metrics('gateway'));
    expect(() => {
      for (let i = 0; i < 1_000; i++) unlimited.admit('ten_a', 'batch', [{}, {}, {}]);
    }).not.toThrow();
  });
});
