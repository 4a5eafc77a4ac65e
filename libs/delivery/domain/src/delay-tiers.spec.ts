import { DelayTiers } from '@hookstream/contracts';
import { decideTierMessage, tierFor } from './delay-tiers';

const s = 1_000;

describe('tierFor', () => {
  it('picks the longest tier that does not overshoot', () => {
    expect(tierFor(DelayTiers, 5 * s).delayMs).toBe(5 * s);
    expect(tierFor(DelayTiers, 29 * s).delayMs).toBe(5 * s);
    expect(tierFor(DelayTiers, 5 * 60 * s).delayMs).toBe(120 * s);
    expect(tierFor(DelayTiers, 12 * 3600 * s).delayMs).toBe(4 * 3600 * s);
  });

  it('uses the shortest tier for waits shorter than it', () => {
    expect(tierFor(DelayTiers, 300).delayMs).toBe(s);
    expect(tierFor(DelayTiers, 0).delayMs).toBe(s);
  });

  it('does not depend on the order tiers are listed in', () => {
    expect(tierFor([...DelayTiers].reverse(), 45 * s).delayMs).toBe(30 * s);
    expect(tierFor([...DelayTiers].reverse(), 10).delayMs).toBe(s);
  });

  it('has strictly increasing tiers with distinct topics', () => {
    for (let i = 1; i < DelayTiers.length; i++) expect(DelayTiers[i].delayMs).toBeGreaterThan(DelayTiers[i - 1].delayMs);
    expect(new Set(DelayTiers.map((t) => t.name)).size).toBe(DelayTiers.length);
  });
});

describe('decideTierMessage', () => {
  const tier30s = DelayTiers[2];
  const tier1s = DelayTiers[0];
  const t0 = 1_700_000_000_000;

  it('holds a message until its tier delay is over', () => {
    expect(decideTierMessage(tier30s, { enqueuedAtMs: t0, dueAtMs: t0 + 100 * s }, t0 + 10 * s)).toEqual({ kind: 'hold', untilMs: t0 + 30 * s });
  });

  it('moves it on when the delay is over but the job is due later', () => {
    expect(decideTierMessage(tier30s, { enqueuedAtMs: t0, dueAtMs: t0 + 100 * s }, t0 + 30 * s)).toEqual({ kind: 'reroute', remainingMs: 70 * s });
  });

  it('releases it when due', () => {
    expect(decideTierMessage(tier30s, { enqueuedAtMs: t0, dueAtMs: t0 + 30 * s }, t0 + 30 * s)).toEqual({ kind: 'due' });
  });

  it('holds a job shorter than the tier only until its own due time', () => {
    expect(decideTierMessage(tier1s, { enqueuedAtMs: t0, dueAtMs: t0 + 200 }, t0 + 50)).toEqual({ kind: 'hold', untilMs: t0 + 200 });
    expect(decideTierMessage(tier1s, { enqueuedAtMs: t0, dueAtMs: t0 + 200 }, t0 + 200)).toEqual({ kind: 'due' });
  });

  it('never lets a job through early, whatever the clock says', () => {
    for (let i = 0; i < 1000; i++) {
      const tier = DelayTiers[i % DelayTiers.length];
      const enqueuedAtMs = t0 + Math.floor(Math.random() * 1e6);
      const dueAtMs = enqueuedAtMs + Math.floor(Math.random() * 2 * tier.delayMs);
      const nowMs = enqueuedAtMs + Math.floor(Math.random() * 3 * tier.delayMs);
      const decision = decideTierMessage(tier, { enqueuedAtMs, dueAtMs }, nowMs);
      if (decision.kind === 'due') expect(nowMs).toBeGreaterThanOrEqual(dueAtMs);
      if (decision.kind === 'hold') expect(decision.untilMs).toBeLessThanOrEqual(Math.max(dueAtMs, enqueuedAtMs + tier.delayMs));
    }
  });
});
