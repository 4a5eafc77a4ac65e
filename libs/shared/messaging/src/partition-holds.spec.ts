import { systemClock } from './clock';
import { PartitionHolds } from './partition-holds';

describe('PartitionHolds', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000 }));
  afterEach(() => jest.useRealTimers());

  function setup() {
    const calls: string[] = [];
    const holds = new PartitionHolds({ pause: (t, p) => calls.push(`pause ${t}/${p}`), resume: (t, p) => calls.push(`resume ${t}/${p}`) }, systemClock);
    return { calls, holds };
  }

  it('pauses a partition and resumes it when the hold ends', () => {
    const { calls, holds } = setup();
    holds.hold('t', 0, 6_000);
    expect(calls).toEqual(['pause t/0']);
    jest.advanceTimersByTime(4_999);
    expect(holds.isHeld('t', 0)).toBe(true);
    jest.advanceTimersByTime(1);
    expect(calls).toEqual(['pause t/0', 'resume t/0']);
    expect(holds.isHeld('t', 0)).toBe(false);
  });

  it('keeps one pending resume per partition: a later hold replaces the earlier', () => {
    const { calls, holds } = setup();
    holds.hold('t', 0, 2_000);
    holds.hold('t', 0, 9_000);
    jest.advanceTimersByTime(5_000);
    expect(calls).toEqual(['pause t/0', 'pause t/0']);
    jest.advanceTimersByTime(3_000);
    expect(calls.filter((c) => c.startsWith('resume'))).toEqual(['resume t/0']);
  });

  it('resumes at once the held partitions this member lost, and keeps the others', () => {
    const { calls, holds } = setup();
    holds.hold('t', 0, 60_000);
    holds.hold('t', 1, 60_000);
    holds.releaseNotIn((_, p) => p === 1);
    expect(calls.slice(2)).toEqual(['resume t/0']);
    expect(holds.isHeld('t', 1)).toBe(true);
  });

  it('forgets every hold without resuming when cleared', () => {
    const { calls, holds } = setup();
    holds.hold('t', 0, 3_000);
    holds.clear();
    jest.advanceTimersByTime(10_000);
    expect(calls).toEqual(['pause t/0']);
  });

  it('resumes at once a hold whose time has passed', () => {
    const { calls, holds } = setup();
    holds.hold('t', 0, 0);
    jest.advanceTimersByTime(0);
    expect(calls).toEqual(['pause t/0', 'resume t/0']);
  });
});
