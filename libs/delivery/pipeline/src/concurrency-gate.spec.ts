import type { TenantOrigin } from '@hookstream/delivery-http';
import { ConcurrencyGate, GateCancelledError, Lease } from './concurrency-gate';

const tick = () => new Promise((r) => setImmediate(r));
/** One tenant's view of an origin: ten_a's unless another is named. */
const at = (origin: string, tenantId = 'ten_a'): TenantOrigin => ({ tenantId, origin });

describe('ConcurrencyGate', () => {
  it('admits up to the per-endpoint limit, then queues', async () => {
    const gate = new ConcurrencyGate({ total: 10, perOrigin: 2 });
    const a = await gate.acquire(at('a'));
    await gate.acquire(at('a'));
    let third = false;
    const pending = gate.acquire(at('a')).then((lease) => ((third = true), lease));
    await tick();
    expect(third).toBe(false);
    expect(gate.inFlight('a')).toBe(2);
    // Another endpoint is not held up by the full one.
    await gate.acquire(at('b'));
    expect(gate.inFlight()).toBe(3);
    a.release();
    await pending;
    expect(third).toBe(true);
    expect(gate.inFlight('a')).toBe(2);
  });

  it('admits up to the total limit across endpoints, first come first served', async () => {
    const gate = new ConcurrencyGate({ total: 2, perOrigin: 2 });
    const r1 = await gate.acquire(at('a'));
    await gate.acquire(at('b'));
    const order: string[] = [];
    const c = gate.acquire(at('c')).then((r) => (order.push('c'), r));
    const d = gate.acquire(at('d')).then((r) => (order.push('d'), r));
    r1.release();
    await c;
    await tick();
    expect(order).toEqual(['c']);
    (await c).release();
    await d;
    expect(order).toEqual(['c', 'd']);
  });

  it('skips a waiter whose endpoint is full for one that has room', async () => {
    const gate = new ConcurrencyGate({ total: 3, perOrigin: 1 });
    const a1 = await gate.acquire(at('a'));
    const r2 = await gate.acquire(at('b'));
    const waitingA = gate.acquire(at('a'));
    const c = await gate.acquire(at('c'));
    r2.release();
    // 'a' is still full: its waiter stays queued while 'd' gets the slot.
    const d = await gate.acquire(at('d'));
    expect(gate.waiting).toBe(1);
    a1.release();
    await waitingA;
    expect(gate.inFlight('a')).toBe(1);
    c.release();
    d.release();
  });

  it('cancels a waiter and never hands it a slot', async () => {
    const gate = new ConcurrencyGate({ total: 1, perOrigin: 1 });
    const release = await gate.acquire(at('a'));
    const cancel = new AbortController();
    const waiting = gate.acquire(at('a'), cancel.signal);
    cancel.abort();
    await expect(waiting).rejects.toBeInstanceOf(GateCancelledError);
    release.release();
    expect(gate.inFlight()).toBe(0);
    await expect(gate.acquire(at('a'), cancel.signal)).rejects.toBeInstanceOf(GateCancelledError);
  });

  it('ignores a second release', async () => {
    const gate = new ConcurrencyGate({ total: 2, perOrigin: 2 });
    const release = await gate.acquire(at('a'));
    await gate.acquire(at('a'));
    release.release();
    release.release();
    expect(gate.inFlight('a')).toBe(1);
  });

  it("lets a detached (handed-off) attempt keep its endpoint's slot but give the total back", async () => {
    const gate = new ConcurrencyGate({ total: 2, perOrigin: 1, background: 1 });
    const slow = await gate.acquire(at('dead'));
    const other = await gate.acquire(at('a'));
    let nextA = false;
    const pendingB = gate.acquire(at('b'));
    const pendingDead = gate.acquire(at('dead'));
    void gate.acquire(at('a')).then(() => (nextA = true));
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
    const gate = new ConcurrencyGate({ total: 1, perOrigin: 5 });
    const granted: { key: string; lease: Lease }[] = [{ key: 'first', lease: await gate.acquire(at('a')) }];
    for (const key of ['a', 'a', 'a', 'b', 'b']) void gate.acquire(at(key)).then((lease) => granted.push({ key, lease }));
    for (let i = 0; i < 5; i++) {
      granted[granted.length - 1].lease.release();
      await tick();
    }
    expect(granted.map((g) => g.key)).toEqual(['first', 'a', 'b', 'a', 'b', 'a']);
  });

  describe('tenant shares', () => {
    it("holds a tenant to its share of the foreground, whatever its origins, and lets other tenants' attempts in meanwhile", async () => {
      const gate = new ConcurrencyGate({ total: 8, perOrigin: 4, tenantShare: 0.25 });
      expect(gate.tenantLimits).toEqual({ foreground: 2, background: 8 });
      const noisy: Lease[] = [];
      for (let i = 0; i < 10; i++) void gate.acquire(at(`hole-${i}`, 'ten_noisy')).then((lease) => noisy.push(lease));
      await tick();
      expect(noisy).toHaveLength(2);
      expect(gate.heldBy('ten_noisy')).toEqual({ foreground: 2, background: 0 });
      expect(gate.waiting).toBe(8);
      // The rest of the total is everyone else's, each tenant up to its own share.
      const quiet = await Promise.all(['ten_q1', 'ten_q1', 'ten_q2', 'ten_q2', 'ten_q3', 'ten_q3'].map((tenant, i) => gate.acquire(at(`fine-${i}`, tenant))));
      expect(quiet).toHaveLength(6);
      expect(gate.heldBy('ten_q1')).toEqual({ foreground: 2, background: 0 });
      expect(gate.inFlight()).toBe(8);
      noisy[0].release();
      await tick();
      // One of its own in its place, still at its share.
      expect(noisy).toHaveLength(3);
      expect(gate.heldBy('ten_noisy')).toEqual({ foreground: 2, background: 0 });
      expect(gate.waiting).toBe(7);
    });

    it('holds a tenant to its share of the background: past it, a detach keeps the foreground slot', async () => {
      const gate = new ConcurrencyGate({ total: 4, perOrigin: 4, background: 8, tenantShare: 0.25 });
      expect(gate.tenantLimits).toEqual({ foreground: 1, background: 2 });
      const detached = [];
      for (let i = 0; i < 3; i++) detached.push((await gate.acquire(at(`hole-${i}`, 'ten_noisy'))).detach());
      expect(detached).toEqual([true, true, false]);
      expect(gate.heldBy('ten_noisy')).toEqual({ foreground: 1, background: 2 });
      let more = false;
      void gate.acquire(at('hole-3', 'ten_noisy')).then(() => (more = true));
      await tick();
      expect(more).toBe(false);
      // Another tenant still finds foreground slots, and background ones.
      const quiet = await gate.acquire(at('hole-0', 'ten_quiet'));
      expect(quiet.detach()).toBe(true);
      expect(gate.inBackground).toBe(3);
    });

    it('serves tenants in turn, then each tenant’s origins in turn: many origins earn no more turns', async () => {
      const gate = new ConcurrencyGate({ total: 1, perOrigin: 5 });
      const granted: { who: string; lease: Lease }[] = [{ who: 'first', lease: await gate.acquire(at('x', 'ten_c')) }];
      const wait = (origin: string, tenantId: string) => void gate.acquire(at(origin, tenantId)).then((lease) => granted.push({ who: `${tenantId}:${origin}`, lease }));
      for (const origin of ['a1', 'a2', 'a3', 'a4']) wait(origin, 'ten_a');
      wait('b', 'ten_b');
      wait('b', 'ten_b');
      for (let i = 0; i < 6; i++) {
        granted[granted.length - 1].lease.release();
        await tick();
      }
      expect(granted.map((g) => g.who)).toEqual(['first', 'ten_a:a1', 'ten_b:b', 'ten_a:a2', 'ten_b:b', 'ten_a:a3', 'ten_a:a4']);
    });

    it("lets tenants take turns at a shared origin's slots, each tenant's waiters in order", async () => {
      const gate = new ConcurrencyGate({ total: 10, perOrigin: 1 });
      const granted: { who: string; lease: Lease }[] = [{ who: 'first', lease: await gate.acquire(at('shared', 'ten_a')) }];
      const wait = (tenantId: string, n: number) => void gate.acquire(at('shared', tenantId)).then((lease) => granted.push({ who: `${tenantId}#${n}`, lease }));
      wait('ten_a', 1);
      wait('ten_a', 2);
      wait('ten_a', 3);
      wait('ten_b', 1);
      for (let i = 0; i < 4; i++) {
        granted[granted.length - 1].lease.release();
        await tick();
      }
      expect(granted.map((g) => g.who)).toEqual(['first', 'ten_a#1', 'ten_b#1', 'ten_a#2', 'ten_a#3']);
      expect(gate.inFlight('shared')).toBe(1);
    });

    it('forgets a tenant once it holds and awaits nothing, cancelled waiters included', async () => {
      const gate = new ConcurrencyGate({ total: 2, perOrigin: 1, tenantShare: 0.5 });
      const held = await gate.acquire(at('a', 'ten_a'));
      const cancel = new AbortController();
      const waiting = gate.acquire(at('b', 'ten_a'), cancel.signal);
      cancel.abort();
      await expect(waiting).rejects.toBeInstanceOf(GateCancelledError);
      held.release();
      expect(gate.heldBy('ten_a')).toEqual({ foreground: 0, background: 0 });
      expect(gate.waiting).toBe(0);
      // Its share is whole again.
      await gate.acquire(at('b', 'ten_a'));
      expect(gate.heldBy('ten_a').foreground).toBe(1);
    });

    it('refuses a share outside (0, 1]', () => {
      for (const tenantShare of [0, -0.5, 1.5, Number.NaN]) expect(() => new ConcurrencyGate({ total: 4, perOrigin: 1, tenantShare })).toThrow(RangeError);
    });
  });
});
