/** The messaging lib's counter of partition assignments, per consumer group (hookstream_consumer_rebalances_total). */
export const REBALANCES_METRIC = 'hookstream_consumer_rebalances_total';

export interface GroupRebalances {
  group: string;
  /** Assignments by the time every service was ready: each member's first join. */
  atStart: number;
  /** Assignments after that, to the end of the run: rebalances the load caused (or a crash). */
  duringRun: number;
}

/** Assignments per group in a service's /metrics text, the run's topic prefix taken off the group names. */
export function parseRebalances(metricsText: string, prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of metricsText.split('\n')) {
    if (!line.startsWith(`${REBALANCES_METRIC}{`)) continue;
    const group = /[{,]group="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (group === undefined || !Number.isFinite(value)) continue;
    const name = group.startsWith(prefix) ? group.slice(prefix.length) : group;
    counts.set(name, (counts.get(name) ?? 0) + value);
  }
  return counts;
}

/** What happened between two readings: every group seen in either, in name order. */
export function rebalancesOverRun(atStart: ReadonlyMap<string, number>, atEnd: ReadonlyMap<string, number>): GroupRebalances[] {
  const groups = [...new Set([...atStart.keys(), ...atEnd.keys()])].sort();
  return groups.map((group) => {
    const start = atStart.get(group) ?? 0;
    return { group, atStart: start, duringRun: Math.max(0, (atEnd.get(group) ?? start) - start) };
  });
}
