import { TenantShares } from './tenant-shares';

const NOW = 50_000;
/** Another tenant's job came just now: the tenants share. */
const contended = (shares: TenantShares) => shares.hasRoom('ten_other', 0, NOW);

describe('TenantShares', () => {
  it('holds a tenant whose attempts fill its foreground slots to its share of the pending jobs, apart from the others', () => {
    const shares = new TenantShares({ pending: 2, foreground: 1, spacingMs: 1_000, contentionWindowMs: 10_000 });
    contended(shares);
    const full = 1;
    shares.entered('ten_a');
    expect(shares.hasRoom('ten_a', full, NOW)).toBe(true);
    shares.entered('ten_a');
    expect(shares.hasRoom('ten_a', full, NOW)).toBe(false);
    expect(shares.hasRoom('ten_b', 0, NOW)).toBe(true);
    shares.left('ten_a');
    expect(shares.hasRoom('ten_a', full, NOW)).toBe(true);
    expect(shares.held('ten_a')).toBe(1);
    shares.left('ten_a');
    expect(shares.held('ten_a')).toBe(0);
  });

  it('lets a tenant past its pending share while its attempts leave foreground slots free: its jobs drain', () => {
    const shares = new TenantShares({ pending: 2, foreground: 4, spacingMs: 1_000, contentionWindowMs: 10_000 });
    contended(shares);
    for (let i = 0; i < 10; i++) shares.entered('ten_a');
    expect(shares.hasRoom('ten_a', 3, NOW)).toBe(true);
    expect(shares.hasRoom('ten_a', 4, NOW)).toBe(false);
  });

  it('turns a tenant away while hung attempts hold every foreground slot of its share', () => {
    const shares = new TenantShares({ pending: 8, foreground: 2, spacingMs: 1_000, contentionWindowMs: 10_000 });
    contended(shares);
    shares.hungStarted('ten_a');
    expect(shares.stalled('ten_a')).toBe(false);
    expect(shares.hasRoom('ten_a', 1, NOW)).toBe(true);
    shares.hungStarted('ten_a');
    expect(shares.stalled('ten_a')).toBe(true);
    // Stalled even with no other job pending.
    expect(shares.hasRoom('ten_a', 2, NOW)).toBe(false);
    expect(shares.hasRoom('ten_b', 0, NOW)).toBe(true);
    shares.hungEnded('ten_a');
    expect(shares.hasRoom('ten_a', 1, NOW)).toBe(true);
  });

  it('brings turned-away jobs back about a share’s worth each spacing, per tenant', () => {
    const shares = new TenantShares({ pending: 4, foreground: 1, spacingMs: 1_000, contentionWindowMs: 10_000 });
    const now = 50_000;
    const back = Array.from({ length: 9 }, () => shares.returnAtMs('ten_a', now) - now);
    expect(back).toEqual([1_000, 1_250, 1_500, 1_750, 2_000, 2_250, 2_500, 2_750, 3_000]);
    // Another tenant's wait does not grow with it.
    expect(shares.returnAtMs('ten_b', now) - now).toBe(1_000);
    // Once the waves have passed, a job turned away waits a spacing again.
    expect(shares.returnAtMs('ten_a', now + 10_000) - now).toBe(11_000);
  });

  it('lets a tenant alone use every slot: its share applies only while another tenant came within the window', () => {
    const shares = new TenantShares({ pending: 2, foreground: 1, spacingMs: 1_000, contentionWindowMs: 10_000 });
    for (let i = 0; i < 10; i++) shares.entered('ten_a');
    expect(shares.hasRoom('ten_a', 1, NOW)).toBe(true);
    expect(shares.hasRoom('ten_b', 0, NOW + 1)).toBe(true);
    // ten_b came 1 ms ago, and stays a contender for the window, however often ten_a comes meanwhile.
    expect(shares.hasRoom('ten_a', 1, NOW + 2)).toBe(false);
    expect(shares.hasRoom('ten_a', 1, NOW + 10_001)).toBe(false);
    expect(shares.contended('ten_a', NOW + 10_002)).toBe(false);
    expect(shares.hasRoom('ten_a', 1, NOW + 10_002)).toBe(true);
    // ten_b itself is contended by ten_a, which came last.
    expect(shares.contended('ten_b', NOW + 10_002)).toBe(true);
  });

  it('turns a tenant alone away still while hung attempts hold its foreground slots', () => {
    const shares = new TenantShares({ pending: 8, foreground: 1, spacingMs: 1_000, contentionWindowMs: 10_000 });
    shares.hungStarted('ten_a');
    expect(shares.hasRoom('ten_a', 1, NOW)).toBe(false);
  });
});
