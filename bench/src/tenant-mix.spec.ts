import { Sender, TenantMix } from './tenant-mix';

const tally = (mix: TenantMix, count: number) => {
  const quiet = new Array<number>(mix.quietTenants).fill(0);
  const noisy: number[] = [];
  for (let seq = 0; seq < count; seq++) {
    const sender: Sender = mix.senderOf(seq);
    if (sender.tenant === 'noisy') noisy.push(sender.nth);
    else quiet[sender.quiet]++;
  }
  return { quiet, noisy };
};

describe('TenantMix', () => {
  it('gives the noisy tenant ten events for every one of each quiet tenant', () => {
    const mix = new TenantMix(9, 10);
    expect(mix.round).toBe(19);
    const { quiet, noisy } = tally(mix, 19 * 50);
    expect(quiet).toEqual(new Array(9).fill(50));
    expect(noisy).toHaveLength(500);
  });

  it("numbers the noisy tenant's own events 0, 1, 2, … without gaps, to spread them over its origins", () => {
    const { noisy } = tally(new TenantMix(3, 4), 7 * 5 + 2);
    expect(noisy).toEqual(Array.from({ length: noisy.length }, (_, i) => i));
  });

  it('without a noisy tenant, the quiet ones take turns', () => {
    const mix = new TenantMix(9, 0);
    expect([0, 1, 8, 9, 10].map((seq) => mix.senderOf(seq))).toEqual([
      { tenant: 'quiet', quiet: 0 },
      { tenant: 'quiet', quiet: 1 },
      { tenant: 'quiet', quiet: 8 },
      { tenant: 'quiet', quiet: 0 },
      { tenant: 'quiet', quiet: 1 },
    ]);
    expect(mix.counts(20)).toEqual({ quiet: [3, 3, 2, 2, 2, 2, 2, 2, 2], noisy: 0 });
  });

  it('counts what each sender sent, partial rounds included, as senderOf assigns them', () => {
    for (const [quietTenants, factor] of [
      [9, 10],
      [9, 0],
      [1, 1],
      [4, 7],
    ]) {
      const mix = new TenantMix(quietTenants, factor);
      for (const count of [0, 1, factor, factor + 1, mix.round - 1, mix.round, 5 * mix.round + 3, 1234]) {
        const { quiet, noisy } = tally(mix, count);
        expect(mix.counts(count)).toEqual({ quiet, noisy: noisy.length });
      }
    }
  });

  it('refuses a mix without quiet tenants or with a fractional factor', () => {
    expect(() => new TenantMix(0, 10)).toThrow(/quietTenants/);
    expect(() => new TenantMix(9, 2.5)).toThrow(/noisyFactor/);
  });
});
