import { breakerAsObserved, healthSeries, healthWindow, HEALTH_BUCKETS } from './endpoint-health';

describe('healthWindow', () => {
  it('is the hour up to now', () => {
    expect(healthWindow(Date.parse('2026-11-22T10:07:30.000Z'))).toEqual({ from: '2026-11-22T09:07:30.000Z', to: '2026-11-22T10:07:30.000Z' });
  });
});

describe('healthSeries', () => {
  const window = healthWindow(Date.parse('2026-11-22T11:00:00.000Z'));

  it('has 12 buckets of 5 minutes, oldest first, empty ones included', () => {
    const series = healthSeries(window, [
      { from: '2026-11-22T10:05:00.000Z', attempts: 3, succeeded: 2, p95_ms: 40 },
      { from: '2026-11-22T10:55:00.000Z', attempts: 1, succeeded: 0, p95_ms: null },
    ]);
    expect(series).toHaveLength(HEALTH_BUCKETS);
    expect(series[0]).toEqual({ from: '2026-11-22T10:00:00.000Z', attempts: 0, succeeded: 0, p95_ms: null });
    expect(series[1]).toEqual({ from: '2026-11-22T10:05:00.000Z', attempts: 3, succeeded: 2, p95_ms: 40 });
    expect(series[11]).toEqual({ from: '2026-11-22T10:55:00.000Z', attempts: 1, succeeded: 0, p95_ms: null });
    expect(series.slice(2, 11).every((b) => b.attempts === 0)).toBe(true);
  });

  it('matches buckets by instant, whatever the text precision', () => {
    const series = healthSeries(window, [{ from: '2026-11-22T10:10:00Z', attempts: 1, succeeded: 1, p95_ms: 5 }]);
    expect(series[2]).toMatchObject({ attempts: 1, succeeded: 1 });
  });
});

describe('breakerAsObserved', () => {
  const at = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`;

  it('is unknown without attempts in the window', () => {
    expect(breakerAsObserved({ newestAt: null, circuitOpenAt: null, succeededAt: null })).toEqual({ state: 'unknown', as_of: null });
  });

  it('is closed when nothing was short-circuited, even after failures', () => {
    expect(breakerAsObserved({ newestAt: at(9), circuitOpenAt: null, succeededAt: null })).toEqual({ state: 'closed', as_of: at(9) });
  });

  it('is open when the newest short-circuit is newer than any success', () => {
    expect(breakerAsObserved({ newestAt: at(9), circuitOpenAt: at(9), succeededAt: at(3) })).toEqual({ state: 'open', as_of: at(9) });
    expect(breakerAsObserved({ newestAt: at(9), circuitOpenAt: at(9), succeededAt: null })).toEqual({ state: 'open', as_of: at(9) });
    // A half-open trial that failed after the short-circuit: still open.
    expect(breakerAsObserved({ newestAt: at(12), circuitOpenAt: at(9), succeededAt: null })).toEqual({ state: 'open', as_of: at(12) });
  });

  it('is closed again once a success follows the short-circuit', () => {
    expect(breakerAsObserved({ newestAt: at(12), circuitOpenAt: at(9), succeededAt: at(11) })).toEqual({ state: 'closed', as_of: at(12) });
  });
});
