import { EndpointHealth, stuckUntil } from './endpoint-health';

describe('stuckUntil', () => {
  const patience = 250;
  const slow = { startedAtMs: 1_000, deadlineMs: 11_000 };

  it('is not stuck without slow attempts, or while another attempt ended within a patience', () => {
    expect(stuckUntil([], undefined, 5_000, patience)).toBeUndefined();
    expect(stuckUntil([slow], 4_900, 5_000, patience)).toBeUndefined();
  });

  it('backs off as long as the slow attempt has run so far, at most until its deadline', () => {
    expect(stuckUntil([slow], undefined, 3_000, patience)).toBe(5_000);
    expect(stuckUntil([slow], 2_000, 9_000, patience)).toBe(11_000);
  });

  it('follows the earliest of several slow attempts', () => {
    expect(stuckUntil([slow, { startedAtMs: 2_500, deadlineMs: 4_000 }], undefined, 3_000, patience)).toBe(3_500);
  });
});

describe('EndpointHealth', () => {
  it('tracks slow attempts per endpoint until they end', () => {
    const health = new EndpointHealth(250);
    const attempt = { startedAtMs: 0, deadlineMs: 10_000 };
    health.slowStarted('https://a', attempt);
    expect(health.stuckUntil('https://a', 1_000)).toBe(2_000);
    expect(health.stuckUntil('https://b', 1_000)).toBeUndefined();
    health.answered('https://a', 1_000);
    expect(health.stuckUntil('https://a', 1_100)).toBeUndefined();
    health.slowEnded('https://a', attempt);
    expect(health.stuckUntil('https://a', 5_000)).toBeUndefined();
  });
});
