import { ConsumerLag, LagLabels } from './consumer-lag';

/** The gauge as Prometheus would show it: one value per label set. */
class RecordingGauge {
  readonly values = new Map<string, number>();
  set(labels: LagLabels, value: number): void {
    this.values.set(`${labels.topic}/${labels.partition}`, value);
  }
  remove(labels: LagLabels): void {
    this.values.delete(`${labels.topic}/${labels.partition}`);
  }
}

describe('ConsumerLag', () => {
  const setUp = () => {
    const gauge = new RecordingGauge();
    const lag = new ConsumerLag('acme-delivery', gauge);
    lag.assigned(new Map([['jobs', [0, 1]]]));
    return { gauge, lag };
  };

  it('a batch reports its partition end minus the next offset to handle', () => {
    const { gauge, lag } = setUp();
    lag.handled('jobs', 0, '40', '100');
    expect(gauge.values).toEqual(new Map([['jobs/0', 60]]));
    lag.handled('jobs', 0, '100', '100');
    expect(gauge.values.get('jobs/0')).toBe(0);
  });

  it('an idle or stuck partition: the end looked at later makes the lag grow without a batch', () => {
    const { gauge, lag } = setUp();
    lag.handled('jobs', 0, '100', '100');
    lag.ended('jobs', 0, '250');
    expect(gauge.values.get('jobs/0')).toBe(150);
  });

  it('a partition nothing was handled on yet reports from the group commit; none (-1) reports nothing', () => {
    const { gauge, lag } = setUp();
    lag.ended('jobs', 1, '30');
    expect(gauge.values.has('jobs/1')).toBe(false);
    lag.committed('jobs', 1, '-1');
    expect(gauge.values.has('jobs/1')).toBe(false);
    lag.committed('jobs', 1, '25');
    expect(gauge.values.get('jobs/1')).toBe(5);
  });

  it('an older commit or end does not move the position back', () => {
    const { gauge, lag } = setUp();
    lag.handled('jobs', 0, '90', '100');
    lag.committed('jobs', 0, '80');
    expect(gauge.values.get('jobs/0')).toBe(10);
  });

  it('a lost partition, and every partition once stopped, leave no series behind', () => {
    const { gauge, lag } = setUp();
    lag.handled('jobs', 0, '1', '2');
    lag.handled('jobs', 1, '1', '3');
    lag.assigned(new Map([['jobs', [1]]]));
    expect([...gauge.values.keys()]).toEqual(['jobs/1']);
    expect(lag.topics()).toEqual(['jobs']);
    lag.clear();
    expect(gauge.values.size).toBe(0);
    expect(lag.topics()).toEqual([]);
  });

  it('partitions past what a double holds exactly still report a lag, never a negative one', () => {
    const { gauge, lag } = setUp();
    lag.handled('jobs', 0, '9007199254740993', '9007199254740990');
    expect(gauge.values.get('jobs/0')).toBe(0);
  });
});
