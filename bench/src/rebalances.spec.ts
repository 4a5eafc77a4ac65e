import { parseRebalances, rebalancesOverRun } from './rebalances';

const text = [
  '# HELP hookstream_consumer_rebalances_total Partition assignments',
  '# TYPE hookstream_consumer_rebalances_total counter',
  'hookstream_consumer_rebalances_total{group="run1_delivery-jobs",service="delivery"} 2',
  'hookstream_consumer_rebalances_total{service="delivery",group="run1_delivery-tiers"} 1',
  'hookstream_consumer_rebalances_total_other{group="run1_x"} 9',
  'delivery_attempts_total{service="delivery"} 40',
].join('\n');

describe('parseRebalances', () => {
  it('reads the assignments of each group, wherever the label stands, without the run prefix', () => {
    expect(parseRebalances(text, 'run1_')).toEqual(
      new Map([
        ['delivery-jobs', 2],
        ['delivery-tiers', 1],
      ]),
    );
  });

  it('finds nothing in a service without consumers', () => {
    expect(parseRebalances('process_cpu_seconds_total 3', 'run1_').size).toBe(0);
  });
});

describe('rebalancesOverRun', () => {
  it('tells the first joins from the rebalances during the run, per group', () => {
    const start = new Map([
      ['matcher', 1],
      ['delivery-jobs', 1],
    ]);
    const end = new Map([
      ['matcher', 1],
      ['delivery-jobs', 3],
      ['late', 2],
    ]);
    expect(rebalancesOverRun(start, end)).toEqual([
      { group: 'delivery-jobs', atStart: 1, duringRun: 2 },
      { group: 'late', atStart: 0, duringRun: 2 },
      { group: 'matcher', atStart: 1, duringRun: 0 },
    ]);
  });
});
