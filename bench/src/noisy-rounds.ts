import { LatencySummary, percentile, pooled } from './stats';

/** Whether the quiet tenants sent alone or beside the noisy one. */
export type Condition = 'alone' | 'beside';

/**
 * `rounds` of each condition, alternating, alone first: a slow moment of the
 * shared machine then spoils one round of a condition, not the whole of it.
 */
export function roundOrder(rounds: number): Condition[] {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds: a positive integer, not ${rounds}`);
  return Array.from({ length: 2 * rounds }, (_, i) => (i % 2 === 0 ? 'alone' : 'beside'));
}

/** One round's quiet-tenant latencies (ms), all tenants together. */
export interface QuietRound {
  condition: Condition;
  latencies: ArrayLike<number>;
}

export interface RoundsComparison {
  /** Each condition's latencies pooled over its rounds. */
  alone: LatencySummary;
  beside: LatencySummary;
  /** Pooled p99 beside the noisy tenant over pooled p99 alone. */
  ratio: number;
  /** Each round's own p99, in the order run, to show the spread. */
  rounds: { condition: Condition; p99: number; samples: number }[];
}

/** Compares the quiet tenants' latency beside the noisy one with alone, each condition pooled over its rounds. */
export function compareRounds(rounds: readonly QuietRound[]): RoundsComparison {
  const of = (condition: Condition) => pooled(rounds.filter((r) => r.condition === condition).map((r) => r.latencies));
  const alone = of('alone');
  const beside = of('beside');
  return {
    alone,
    beside,
    ratio: beside.p99 / alone.p99,
    rounds: rounds.map((r) => ({ condition: r.condition, p99: percentile(Float64Array.from(r.latencies).sort(), 99), samples: r.latencies.length })),
  };
}
