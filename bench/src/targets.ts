/**
 * The targets the issues set (issue 21: performance; issue 17: tenants),
 * each one constant: the text the report prints and the verdict come from
 * the same number.
 */
export interface Target {
  /** As the report prints it: "≥ 4,000/s", "< 60 ms". */
  readonly text: string;
  /** Whether a value meets it; undefined when there is no value to judge. */
  meets(value: number | null): boolean | undefined;
}

const comparisons = {
  '≥': (v: number, t: number) => v >= t,
  '≤': (v: number, t: number) => v <= t,
  '<': (v: number, t: number) => v < t,
} as const;

/** Units written against the number ("4,000/s", "25%", "1.2×"); any other gets a space ("60 ms"). */
const ATTACHED_UNITS = new Set(['/s', '%', '×']);

function target(comparison: keyof typeof comparisons, threshold: number, unit: string): Target {
  const number = threshold.toLocaleString('en', { maximumFractionDigits: 2 });
  return {
    text: `${comparison} ${number}${ATTACHED_UNITS.has(unit) ? '' : ' '}${unit}`,
    meets: (value) => (value === null || !Number.isFinite(value) ? undefined : comparisons[comparison](value, threshold)),
  };
}

export const TARGETS = {
  /** Issue 21: end to end, one matching workflow, at the broker's pace. */
  endToEndDeliveries: target('≥', 4_000, '/s'),
  /** Issue 21: end to end against the bare pipeline of the same run (percent). */
  shareOfBare: target('≥', 25, '%'),
  /** Issue 21: producer to receiver at 200 events/s. */
  latencyP99At200: target('<', 60, 'ms'),
  /** Issue 21: producer to receiver at 1,000 events/s. */
  latencyP99At1000: target('<', 100, 'ms'),
  /** Issue 21: the match step's cost with 100,000 workflows against 10. */
  matchingCostRatio: target('≤', 1.2, '×'),
  healthyThroughputKept: target('≥', 90, '%'),
  healthyP99Ratio: target('≤', 2, '×'),
  readModelLagMax: target('<', 1_000, 'ms'),
  /** Issue 21: every service's peak RSS. */
  peakRss: target('<', 300, 'MB'),
  /** Issue 17: the quiet tenants' p99 beside the noisy one against without it. */
  quietTenantP99Ratio: target('≤', 1.5, '×'),
  /** Issue 21: single-event HTTP ingest, accepted and delivered. */
  httpSingleEvents: target('≥', 2_000, '/s'),
  /** Issue 21: HTTP at 200 events/s, request to delivery. */
  httpP99At200: target('<', 100, 'ms'),
} as const satisfies Record<string, Target>;

/** Scenario 3's p99 target at each of its rates (none at a rate the issue does not name). */
export const LATENCY_P99_TARGETS: ReadonlyMap<number, Target> = new Map([
  [200, TARGETS.latencyP99At200],
  [1_000, TARGETS.latencyP99At1000],
]);

/** A figure's `target` and `meets`, judged against one target. */
export function judged(target: Target | undefined, value: number | null): { target?: string; meets?: boolean } {
  return target ? { target: target.text, meets: target.meets(value) } : {};
}
