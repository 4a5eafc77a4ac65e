import { ReflowPacer, reserve } from './reflow-pacer';

const pace = { perSecond: 100, burst: 100 };

describe('reserve', () => {
  it('lets a burst go at once, then makes each page wait for its tokens', () => {
    const first = reserve({ tokens: 100, at: 0 }, 0, 100, pace);
    expect(first.waitMs).toBe(0);
    const second = reserve(first.state, 0, 50, pace);
    expect(second.waitMs).toBe(500);
  });

  it('queues reservations made at the same time behind each other', () => {
    let state = { tokens: 0, at: 0 };
    const waits = [1, 2, 3].map(() => {
      const next = reserve(state, 0, 100, pace);
      state = next.state;
      return next.waitMs;
    });
    expect(waits).toEqual([1000, 2000, 3000]);
  });

  it('refills with time, never above the burst', () => {
    const idle = reserve({ tokens: 0, at: 0 }, 60_000, 150, pace);
    expect(idle.waitMs).toBe(500);
  });

  it('a page larger than the burst waits for the rest', () => {
    expect(reserve({ tokens: 100, at: 0 }, 0, 300, pace).waitMs).toBe(2000);
  });
});

describe('ReflowPacer', () => {
  it('publishes no faster than its pace however many reflows share it', () => {
    let now = 0;
    const pacer = new ReflowPacer({ perSecond: 10, burst: 10 }, () => now);
    // Three reflows each ask for a page of 10 at once: the second waits a second, the third two.
    expect([pacer.reserve(10), pacer.reserve(10), pacer.reserve(10)]).toEqual([0, 1000, 2000]);
    now = 3000;
    expect(pacer.reserve(10)).toBe(0);
  });
});
