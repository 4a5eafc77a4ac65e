import { IndexAgreement, IndexComparison } from './index-agreement';

const GRACE = 60_000;
const same = (workflows: number, fingerprint = `f${workflows}`): IndexComparison => ({ expected: { workflows, fingerprint }, indexed: { workflows, fingerprint } });
const apart = (expected: number, indexed: number): IndexComparison => ({ expected: { workflows: expected, fingerprint: `e${expected}` }, indexed: { workflows: indexed, fingerprint: `i${indexed}` } });

describe('IndexAgreement', () => {
  it('is not ready before the first comparison, and matches nothing', () => {
    const agreement = new IndexAgreement(GRACE);
    expect(agreement.verdict(0)).toEqual({ ready: false, reason: expect.stringMatching(/not been compared/) });
    expect(agreement.mayMatch(10 * GRACE)).toBe(false);
    expect(agreement.missing).toBe(0);
  });

  it('is ready and matches once the index agrees', () => {
    const agreement = new IndexAgreement(GRACE);
    agreement.record(same(3), 0);
    expect(agreement.verdict(0)).toEqual({ ready: true });
    expect(agreement.mayMatch(0)).toBe(true);
    expect(agreement.disagreementMs(5_000)).toBe(0);
  });

  it('tolerates no disagreement before the first agreement: an index loaded empty from a lost topic', () => {
    const agreement = new IndexAgreement(GRACE);
    agreement.record(apart(5, 0), 0);
    expect(agreement.verdict(1)).toEqual({ ready: false, reason: expect.stringMatching(/holds 0 deliverable workflows .*workflow-config 5 .*never agreed/) });
    expect(agreement.missing).toBe(5);
    expect(agreement.mayMatch(1)).toBe(false);
    // Still empty past the grace: events stay unmatched rather than reach no one.
    agreement.record(apart(5, 0), 2 * GRACE);
    expect(agreement.mayMatch(2 * GRACE)).toBe(false);
    // Republished: it agrees, and events go.
    agreement.record(same(5), 2 * GRACE + 1);
    expect(agreement.verdict(2 * GRACE + 1)).toEqual({ ready: true });
    expect(agreement.mayMatch(2 * GRACE + 1)).toBe(true);
  });

  it('matches after the grace when a non-empty index keeps disagreeing (a drift, not a lost topic), and stays not ready', () => {
    const agreement = new IndexAgreement(GRACE);
    agreement.record(apart(5, 4), 1_000);
    expect(agreement.mayMatch(1_000 + GRACE - 1)).toBe(false);
    expect(agreement.mayMatch(1_000 + GRACE)).toBe(true);
    expect(agreement.verdict(1_000 + GRACE)).toMatchObject({ ready: false });
    expect(agreement.disagreementMs(1_000 + GRACE)).toBe(GRACE);
  });

  it('after agreeing, tolerates a disagreement for the grace (a change on its way), then is not ready until it agrees again', () => {
    const agreement = new IndexAgreement(GRACE);
    agreement.record(same(3), 0);
    agreement.record(apart(4, 3), 10_000);
    agreement.record(apart(4, 3), 20_000);
    expect(agreement.verdict(10_000 + GRACE - 1)).toEqual({ ready: true });
    expect(agreement.verdict(10_000 + GRACE)).toEqual({ ready: false, reason: expect.stringMatching(/disagreeing for 60000 ms$/) });
    expect(agreement.missing).toBe(1);
    // Events keep flowing meanwhile: they did before, and readiness with the gauge tells the drift.
    expect(agreement.mayMatch(10_000 + GRACE)).toBe(true);
    agreement.record(same(4), 80_000);
    expect(agreement.verdict(80_000)).toEqual({ ready: true });
    expect(agreement.missing).toBe(0);
    // A new disagreement gets a new grace.
    agreement.record(apart(5, 4), 90_000);
    expect(agreement.verdict(90_000 + GRACE - 1)).toEqual({ ready: true });
  });

  it('tells a different set of the same size by its fingerprint', () => {
    const agreement = new IndexAgreement(GRACE);
    agreement.record({ expected: { workflows: 2, fingerprint: 'aa' }, indexed: { workflows: 2, fingerprint: 'bb' } }, 0);
    expect(agreement.verdict(0)).toMatchObject({ ready: false });
    expect(agreement.missing).toBe(0);
  });
});
