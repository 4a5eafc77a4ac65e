import { judged, LATENCY_P99_TARGETS, TARGETS } from './targets';

describe('TARGETS', () => {
  it("prints issue 21's figures", () => {
    expect(TARGETS.endToEndDeliveries.text).toBe('≥ 4,000/s');
    expect(TARGETS.shareOfBare.text).toBe('≥ 25%');
    expect(TARGETS.latencyP99At200.text).toBe('< 60 ms');
    expect(TARGETS.latencyP99At1000.text).toBe('< 100 ms');
    expect(TARGETS.matchingCostRatio.text).toBe('≤ 1.2×');
    expect(TARGETS.peakRss.text).toBe('< 300 MB');
    expect(TARGETS.httpSingleEvents.text).toBe('≥ 2,000/s');
    expect(TARGETS.httpP99At200.text).toBe('< 100 ms');
    expect(TARGETS.quietTenantP99Ratio.text).toBe('≤ 1.5×');
  });

  it('judges a value against the number it prints, at the boundary too', () => {
    expect([3_999, 4_000, 4_001].map((v) => TARGETS.endToEndDeliveries.meets(v))).toEqual([false, true, true]);
    expect([24.9, 25].map((v) => TARGETS.shareOfBare.meets(v))).toEqual([false, true]);
    expect([59, 60].map((v) => TARGETS.latencyP99At200.meets(v))).toEqual([true, false]);
    expect([1.2, 1.21].map((v) => TARGETS.matchingCostRatio.meets(v))).toEqual([true, false]);
  });

  it('leaves a missing or meaningless value unjudged', () => {
    expect(TARGETS.shareOfBare.meets(null)).toBeUndefined();
    expect(TARGETS.quietTenantP99Ratio.meets(NaN)).toBeUndefined();
  });

  it("gives scenario 3's two rates their own p99 targets, and none to another rate", () => {
    expect(judged(LATENCY_P99_TARGETS.get(200), 61)).toEqual({ target: '< 60 ms', meets: false });
    expect(judged(LATENCY_P99_TARGETS.get(1_000), 61)).toEqual({ target: '< 100 ms', meets: true });
    expect(judged(LATENCY_P99_TARGETS.get(500), 61)).toEqual({});
  });
});
