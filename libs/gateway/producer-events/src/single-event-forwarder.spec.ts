import { IngestApi } from '@hookstream/contracts';
import { InternalHttpClient, ServiceUnreachableError, UpstreamError } from '@hookstream/gateway-http';
import { SingleEventForwarder } from './single-event-forwarder';

interface Call {
  tenantId: string;
  bodies: { n: number }[];
  answer: (results: unknown[]) => void;
  fail: (err: Error) => void;
}

/** event-ingest's each route, answered by the test. */
function fakeIngest() {
  const calls: Call[] = [];
  const client = {
    read: (method: string, path: string, _schema: unknown, options: { tenantId: string; body: { n: number }[] }) => {
      expect([method, path]).toEqual(['POST', IngestApi.each.path()]);
      return new Promise((resolve, reject) => {
        calls.push({ tenantId: options.tenantId, bodies: options.body, answer: (results) => resolve({ results }), fail: reject });
      });
    },
  };
  return { calls, client: client as unknown as InternalHttpClient };
}

const accepted = (id: string) => ({ status: 202, body: { id, ids: [id] } });
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SingleEventForwarder', () => {
  it('forwards alone while lanes are free, then what arrives together in one call per tenant, each answered its own result', async () => {
    const { calls, client } = fakeIngest();
    const forwarder = new SingleEventForwarder(client);
    // Eight lanes: the first eight go alone; the rest wait and go together, split by tenant.
    const alone = Array.from({ length: 8 }, (_, n) => forwarder.forward('ten_a', { n }, 100));
    const grouped = [forwarder.forward('ten_a', { n: 8 }, 100), forwarder.forward('ten_b', { n: 9 }, 100), forwarder.forward('ten_a', { n: 10 }, 100)];
    expect(calls.map((c) => c.bodies.map((b) => b.n))).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]]);
    calls[0].answer([accepted('evt_0')]);
    await settle();
    expect(calls.slice(8).map((c) => [c.tenantId, c.bodies.map((b) => b.n)])).toEqual([
      ['ten_a', [8, 10]],
      ['ten_b', [9]],
    ]);
    calls[8].answer([accepted('evt_8'), { status: 422, body: { error_codes: ['type_required'] } }]);
    calls[9].answer([accepted('evt_9')]);
    await expect(alone[0]).resolves.toEqual(accepted('evt_0'));
    await expect(grouped[0]).resolves.toEqual(accepted('evt_8'));
    await expect(grouped[1]).resolves.toEqual(accepted('evt_9'));
    await expect(grouped[2]).rejects.toEqual(new UpstreamError(422, { error_codes: ['type_required'] }));
  });

  it("fails only the events of a tenant's call that failed, with that call's error", async () => {
    const { calls, client } = fakeIngest();
    const forwarder = new SingleEventForwarder(client);
    const busy = Array.from({ length: 8 }, (_, n) => forwarder.forward('ten_a', { n }, 100));
    const a = forwarder.forward('ten_a', { n: 8 }, 100);
    const b = forwarder.forward('ten_b', { n: 9 }, 100);
    calls[0].answer([accepted('evt_0')]);
    await busy[0];
    await settle();
    const down = new UpstreamError(503, { error_codes: ['postgres_unavailable'] }, '5');
    calls.find((c) => c.tenantId === 'ten_a' && c.bodies[0].n === 8)?.fail(down);
    calls.find((c) => c.tenantId === 'ten_b')?.answer([accepted('evt_9')]);
    await expect(a).rejects.toBe(down);
    await expect(b).resolves.toEqual(accepted('evt_9'));
  });

  it('refuses an answer with another count of results than events as an unreachable service', async () => {
    const { calls, client } = fakeIngest();
    const forwarder = new SingleEventForwarder(client);
    const one = forwarder.forward('ten_a', { n: 0 }, 100);
    calls[0].answer([]);
    await expect(one).rejects.toBeInstanceOf(ServiceUnreachableError);
  });

  it('keeps a call within its weight: a big event goes in a call of its own', async () => {
    const { calls, client } = fakeIngest();
    const forwarder = new SingleEventForwarder(client);
    const busy = Array.from({ length: 8 }, (_, n) => forwarder.forward('ten_a', { n }, 100));
    const later = [forwarder.forward('ten_a', { n: 8 }, 100), forwarder.forward('ten_a', { n: 9 }, 3_990_000), forwarder.forward('ten_a', { n: 10 }, 100)];
    calls[0].answer([accepted('evt_0')]);
    await busy[0];
    await settle();
    expect(calls[8].bodies.map((b) => b.n)).toEqual([8]);
    calls[8].answer([accepted('evt_8')]);
    await later[0];
    calls[1].answer([accepted('evt_1')]);
    await busy[1];
    await settle();
    expect(calls.slice(9).map((c) => c.bodies.map((b) => b.n))).toEqual([[9], [10]]);
  });
});
