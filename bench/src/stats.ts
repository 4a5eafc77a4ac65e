/** Latency figures in milliseconds, nearest-rank percentiles. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

export function summarize(values: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** Events per second over a span in ms; NaN when the span is empty. */
export function ratePerSecond(count: number, spanMs: number): number {
  return spanMs > 0 ? (count * 1000) / spanMs : NaN;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The percentiles of several phases' samples taken together: a pooled p99 is
 * the 99th percentile of every sample, not an average of each phase's p99,
 * so that one phase's few outliers weigh as much as their number.
 */
export function pooled(phases: readonly ArrayLike<number>[]): LatencySummary {
  const all = new Float64Array(phases.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of phases) {
    all.set(Array.from(p), at);
    at += p.length;
  }
  return summarize(all);
}
