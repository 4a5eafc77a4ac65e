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

  it('drops expired entries as new ones arrive', async () => {
    const ledger = new HandoffLedger(20);
    ledger.settled('old');
    await new Promise((r) => setTimeout(r, 30));
    ledger.settled('new');
    expect(ledger.state('old')).toBeUndefined();
    expect(ledger.size).toBe(1);
  });
});
