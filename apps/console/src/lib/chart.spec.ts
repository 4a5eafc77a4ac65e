import { healthBars } from './chart';

describe('health chart', () => {
  it('scales bars to the busiest bucket, the succeeded part inside each', () => {
    const bars = healthBars(
      [
        { from: 'a', attempts: 10, succeeded: 5, p95_ms: 120 },
        { from: 'b', attempts: 0, succeeded: 0, p95_ms: null },
      ],
      200,
      100,
    );
    expect(bars).toHaveLength(2);
    expect(bars[0]).toMatchObject({ x: 2, width: 96, y: 0, height: 100, okY: 50, okHeight: 50 });
    expect(bars[0].title).toBe('a: 10 attempts, 5 succeeded, p95 120 ms');
    expect(bars[1]).toMatchObject({ x: 102, height: 0, okHeight: 0 });
  });

  it('draws nothing for no buckets and never more succeeded than attempts', () => {
    expect(healthBars([], 100, 100)).toEqual([]);
    expect(healthBars([{ from: 'a', attempts: 1, succeeded: 5, p95_ms: null }], 10, 10)[0].okHeight).toBe(10);
  });
});
