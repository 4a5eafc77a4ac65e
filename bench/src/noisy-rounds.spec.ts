import { compareRounds, roundOrder } from './noisy-rounds';
import { pooled } from './stats';

/** `n` samples of `ms`. */
const flat = (n: number, ms: number) => new Array<number>(n).fill(ms);

describe('pooled', () => {
  it('takes the percentiles of every sample together, not the mean of each phase', () => {
    // A phase with a 3 % tail at 1,300 ms: pooled with one clean phase the tail is 1.5 % of the samples, with two 1 %.
    const spoiled = [...flat(970, 50), ...flat(30, 1_300)];
    const clean = flat(1_000, 50);
    expect(pooled([spoiled]).p99).toBe(1_300);
    expect(pooled([spoiled, clean]).p99).toBe(1_300);
    expect(pooled([spoiled, clean, clean]).p99).toBe(50);
    expect(pooled([spoiled, clean]).count).toBe(2_000);
  });

  it('is the plain summary of one phase, and empty for none', () => {
    const samples = [5, 1, 4, 2, 3];
    expect(pooled([samples])).toEqual({ count: 5, p50: 3, p95: 5, p99: 5, max: 5 });
    expect(pooled([]).count).toBe(0);
    expect(pooled([[], []]).p99).toBeNaN();
  });
});

describe('roundOrder', () => {
  it('alternates alone and beside, alone first, as many rounds of each as asked', () => {
    expect(roundOrder(2)).toEqual(['alone', 'beside', 'alone', 'beside']);
    expect(roundOrder(3)).toHaveLength(6);
  });

  it('refuses no rounds', () => {
    expect(() => roundOrder(0)).toThrow(/rounds/);
  });
});

describe('compareRounds', () => {
  it('compares pooled p99s, so that one outlying alone round does not make beside look better than it is', () => {
    const comparison = compareRounds([
      { condition: 'alone', latencies: [...flat(990, 50), ...flat(10, 1_300)] },
      { condition: 'beside', latencies: flat(1_000, 80) },
      { condition: 'alone', latencies: flat(1_000, 60) },
      { condition: 'beside', latencies: flat(1_000, 90) },
    ]);
    // Round 1 alone has a 1 % tail at 1,300 ms; pooled with round 3 it is 0.5 %, below the p99.
    expect(comparison.alone.p99).toBe(60);
    expect(comparison.beside.p99).toBe(90);
    expect(comparison.ratio).toBe(1.5);
    expect(comparison.rounds).toEqual([
      { condition: 'alone', p99: 50, samples: 1_000 },
      { condition: 'beside', p99: 80, samples: 1_000 },
      { condition: 'alone', p99: 60, samples: 1_000 },
      { condition: 'beside', p99: 90, samples: 1_000 },
    ]);
  });

  it('keeps a tail that every beside round shows', () => {
    const tail = (ms: number) => [...flat(970, 50), ...flat(30, ms)];
    const comparison = compareRounds([
      { condition: 'alone', latencies: flat(1_000, 50) },
      { condition: 'beside', latencies: tail(400) },
      { condition: 'alone', latencies: flat(1_000, 50) },
      { condition: 'beside', latencies: tail(500) },
    ]);
    expect(comparison.beside.p99).toBe(500);
    expect(comparison.ratio).toBe(10);
  });
});
