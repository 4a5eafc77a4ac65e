import { HandoffLedger } from './handoff-ledger';

describe('HandoffLedger', () => {
  it('tracks an attempt from in flight to settled, or forgets it', () => {
    const ledger = new HandoffLedger(60_000);
    const key = HandoffLedger.key('ivc_x', 2);
    expect(ledger.state(key)).toBeUndefined();
    ledger.inFlight(key);
    expect(ledger.state(key)).toBe('in_flight');
    ledger.settled(key);
    expect(ledger.state(key)).toBe('settled');
    ledger.forget(key);
    expect(ledger.state(key)).toBeUndefined();
    expect(HandoffLedger.key('ivc_x', 3)).not.toBe(key);
  });

  it('drops expired entries as new ones arrive', () => {
    let nowMs = 1_000;
    const ledger = new HandoffLedger(20, { now: () => nowMs });
    ledger.settled('old');
    nowMs += 30;
    ledger.settled('new');
    expect(ledger.state('old')).toBeUndefined();
    expect(ledger.size).toBe(1);
  });

  it('is caught up only once told: until then an unknown attempt may have settled before a restart', () => {
    const ledger = new HandoffLedger(60_000);
    expect(ledger.caughtUp).toBe(false);
    ledger.markCaughtUp();
    expect(ledger.caughtUp).toBe(true);
  });
});
