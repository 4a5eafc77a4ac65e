import { ConcurrencyGate, GateCancelledError, Lease } from './concurrency-gate';

const tick = () => new Promise((r) => setImmediate(r));

describe('ConcurrencyGate', () => {
  it('admits up to the per-endpoint limit, then queues', async () => {
    const gate = new ConcurrencyGate(10, 2);
    const a = await gate.acquire('a');
    await gate.acquire('a');
    let third = false;
    const pending = gate.acquire('a').then((lease) => ((third = true), lease));
    await tick();
    expect(third).toBe(false);
    expect(gate.inFlight('a')).toBe(2);
    // Another endpoint is not held up by the full one.
    await gate.acquire('b');
    expect(gate.inFlight()).toBe(3);
    a.release();
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
    r1.release();
    await c;
    await tick();
    expect(order).toEqual(['c']);
    (await c).release();
    await d;
    expect(order).toEqual(['c', 'd']);
  });

  it('skips a waiter whose endpoint is full for one that has room', async () => {
    const gate = new ConcurrencyGate(3, 1);
    const a1 = await gate.acquire('a');
    const r2 = await gate.acquire('b');
    const waitingA = gate.acquire('a');
    const c = await gate.acquire('c');
    r2.release();
    // 'a' is still full: its waiter stays queued while 'd' gets the slot.
    const d = await gate.acquire('d');
    expect(gate.waiting).toBe(1);
    a1.release();
    await waitingA;
    expect(gate.inFlight('a')).toBe(1);
    c.release();
    d.release();
  });

  it('cancels a waiter and never hands it a slot', async () => {
    const gate = new ConcurrencyGate(1, 1);
    const release = await gate.acquire('a');
    const cancel = new AbortController();
    const waiting = gate.acquire('a', cancel.signal);
    cancel.abort();
    await expect(waiting).rejects.toBeInstanceOf(GateCancelledError);
    release.release();
    expect(gate.inFlight()).toBe(0);
    await expect(gate.acquire('a', cancel.signal)).rejects.toBeInstanceOf(GateCancelledError);
  });

  it('ignores a second release', async () => {
    const gate = new ConcurrencyGate(2, 2);
    const release = await gate.acquire('a');
    await gate.acquire('a');
    release.release();
    release.release();
    expect(gate.inFlight('a')).toBe(1);
  });

  it("lets a detached (handed-off) attempt keep its endpoint's slot but give the total back", async () => {
    const gate = new ConcurrencyGate(2, 1, 1);
    const slow = await gate.acquire('dead');
    const other = await gate.acquire('a');
    let nextA = false;
    const pendingB = gate.acquire('b');
    const pendingDead = gate.acquire('dead');
    void gate.acquire('a').then(() => (nextA = true));
    expect(slow.detach()).toBe(true);
    // The total had room again: 'b' got it; 'dead' still has its one slot taken.
    const b = await pendingB;
    expect(gate.inFlight()).toBe(3);
    expect(gate.inBackground).toBe(1);
    expect(gate.waiting).toBe(2);
    // The background is full: a second detach keeps the total slot.
    expect(other.detach()).toBe(false);
    other.release();
    await tick();
    expect(nextA).toBe(true);
    slow.release();
    b.release();
    await pendingDead;
    expect(gate.inBackground).toBe(0);
    expect(gate.waiting).toBe(0);
  });

  it('serves endpoints with waiters in turn, not one endpoint after another', async () => {
    const gate = new ConcurrencyGate(1, 5);
    const granted: { key: string; lease: Lease }[] = [{ key: 'first', lease: await gate.acquire('a') }];
    for (const key of ['a', 'a', 'a', 'b', 'b']) void gate.acquire(key).then((lease) => granted.push({ key, lease }));
    for (let i = 0; i < 5; i++) {
      granted[granted.length - 1].lease.release();
      await tick();
    }
    expect(granted.map((g) => g.key)).toEqual(['first', 'a', 'b', 'a', 'b', 'a']);
  });
});
