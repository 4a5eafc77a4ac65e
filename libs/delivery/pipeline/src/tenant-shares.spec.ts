import { TenantShares } from './tenant-shares';

describe('TenantShares', () => {
  it('holds a tenant whose attempts fill its foreground slots to its share of the pending jobs, apart from the others', () => {
    const shares = new TenantShares({ pending: 2, foreground: 1, spacingMs: 1_000 });
    const full = 1;
    shares.entered('ten_a');
    expect(shares.hasRoom('ten_a', full)).toBe(true);
    shares.entered('ten_a');
    expect(shares.hasRoom('ten_a', full)).toBe(false);
    expect(shares.hasRoom('ten_b', 0)).toBe(true);
    shares.left('ten_a');
    expect(shares.hasRoom('ten_a', full)).toBe(true);
    expect(shares.held('ten_a')).toBe(1);
    shares.left('ten_a');
    expect(shares.held('ten_a')).toBe(0);
  });

  it('lets a tenant past its pending share while its attempts leave foreground slots free: its jobs drain', () => {
    const shares = new TenantShares({ pending: 2, foreground: 4, spacingMs: 1_000 });
    for (let i = 0; i < 10; i++) shares.entered('ten_a');
    expect(shares.hasRoom('ten_a', 3)).toBe(true);
    expect(shares.hasRoom('ten_a', 4)).toBe(false);
  });

  it('turns a tenant away while hung attempts hold every foreground slot of its share', () => {
    const shares = new TenantShares({ pending: 8, foreground: 2, spacingMs: 1_000 });
    shares.hungStarted('ten_a');
    expect(shares.stalled('ten_a')).toBe(false);
    expect(shares.hasRoom('ten_a', 1)).toBe(true);
    shares.hungStarted('ten_a');
    expect(shares.stalled('ten_a')).toBe(true);
    // Stalled even with no other job pending.
    expect(shares.hasRoom('ten_a', 2)).toBe(false);
    expect(shares.hasRoom('ten_b', 0)).toBe(true);
    shares.hungEnded('ten_a');
    expect(shares.hasRoom('ten_a', 1)).toBe(true);
  });

  it('brings turned-away jobs back about a share’s worth each spacing, per tenant', () => {
    const shares = new TenantShares({ pending: 4, foreground: 1, spacingMs: 1_000 });
    const now = 50_000;
    const back = Array.from({ length: 9 }, () => shares.returnAtMs('ten_a', now) - now);
    expect(back).toEqual([1_000, 1_250, 1_500, 1_750, 2_000, 2_250, 2_500, 2_750, 3_000]);
    // Another tenant's wait does not grow with it.
    expect(shares.returnAtMs('ten_b', now) - now).toBe(1_000);
    // Once the waves have passed, a job turned away waits a spacing again.
    expect(shares.returnAtMs('ten_a', now + 10_000) - now).toBe(11_000);
  });
});
