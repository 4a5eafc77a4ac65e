import { largestRss, type UsageSample } from './process-sampler';

describe('largestRss', () => {
  it('takes each process its largest reading from the samples at or after the start only', () => {
    const usage = (rssMb: number) => ({ cpuSeconds: 0, rssMb, peakRssMb: rssMb });
    const samples: UsageSample[] = [
      { at: 100, usage: { matcher: usage(900) } },
      { at: 200, usage: { matcher: usage(300), delivery: usage(150) } },
      { at: 300, usage: { matcher: usage(320) } },
    ];
    expect(largestRss(samples, 200)).toEqual({ matcher: 320, delivery: 150 });
  });
});
