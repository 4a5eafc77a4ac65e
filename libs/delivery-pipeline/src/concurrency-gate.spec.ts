import { ConcurrencyGate, GateCancelledError } from './concurrency-gate';

const tick = () => new Promise((r) => setImmediate(r));

describe('ConcurrencyGate', () => {
  it('admits up to the per-endpoint limit, then queues', async () => {
    const gate = new ConcurrencyGate(10, 2);
    const a = await gate.acquire('a');
    await gate.acquire('a');
    let third = false;
    const pending = gate.acquire('a').then((release) => ((third = true), release));
    await tick();
    expect(third).toBe(false);
    expect(gate.inFlight('a')).toBe(2);
    // Another endpoint is not held up by the full one.
    await gate.acquire('b');
    expect(gate.inFlight()).toBe(3);
    a();
    await pending;
    expect(third).toBe(true);
    expect(gate.inFlight('a')).toBe(2);
  });

  it('admits up to the total limit across endpoints, first come first served', async () => {
    const gate = new ConcurrencyGate(2, 2);
    const r1 = await gate.acquire('a');
    await gate.acquire('b');
    const order: string[] = [];
    const c = gate.acquire('c').then((r) => (order.push('c'), r));
    const d = gate.acquire('d').then((r) => (order.push('d'), r));
    r1();
    await c;
    await tick();
    expect(order).toEqual(['c']);
    (await c)();
    await d;
    expect(order).toEqual(['c', 'd']);
  });

  it('skips a waiter whose endpoint is full for one that has room', async () => {
    const gate = new ConcurrencyGate(3, 1);
    const a1 = await gate.acquire('a');
    const r2 = await gate.acquire('b');
    const waitingA = gate.acquire('a');
    const c = await gate.acquire('c');
    r2();
    // 'a' is still full: its waiter stays queued while 'd' gets the slot.
    const d = await gate.acquire('d');
    expect(gate.waiting).toBe(1);
    a1();
    await waitingA;
    expect(gate.inFlight('a')).toBe(1);
    c();
    d();
  });

  it('cancels a waiter and never hands it a slot', async () => {
    const gate = new ConcurrencyGate(1, 1);
    const release = await gate.acquire('a');
    const cancel = new AbortController();
    const waiting = gate.acquire('a', cancel.signal);
    cancel.abort();
    await expect(waiting).rejects.toBeInstanceOf(GateCancelledError);
    release();
    expect(gate.inFlight()).toBe(0);
    await expect(gate.acquire('a', cancel.signal)).rejects.toBeInstanceOf(GateCancelledError);
  });

  it('ignores a second release', async () => {
    const gate = new ConcurrencyGate(2, 2);
    const release = await gate.acquire('a');
    await gate.acquire('a');
    release();
    release();
    expect(gate.inFlight('a')).toBe(1);
  });
});
