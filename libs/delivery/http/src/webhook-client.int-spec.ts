// A real receiver on loopback and real attempt deadlines: the integration tier, not the unit tier.
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { HttpReceiver } from '@hookstream/testing';
import { EgressRules } from './egress-rules';
import { DESTINATION_NOT_ALLOWED, WebhookClient } from './webhook-client';

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

describe('WebhookClient', () => {
  let receiver: HttpReceiver;
  const clients: WebhookClient[] = [];
  const client = (allowlist: string[] = LOOPBACK, cap = 1024, byTenant = new Map<string, string[]>()) => {
    const c = new WebhookClient({ egress: new EgressRules(allowlist, byTenant), connectionsPerOrigin: 4, responseBodyCapBytes: cap });
    clients.push(c);
    return c;
  };
  const post = (c: WebhookClient, url: string, timeoutMs = 2_000, tenantId = 'ten_test') =>
    c.post({ tenantId, url, headers: { 'content-type': 'application/json', 'x-custom': 'v' }, body: '{"a":1}', timeoutMs });

  beforeEach(async () => {
    receiver = await new HttpReceiver().start();
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await receiver.stop();
  });

  it('POSTs the body and headers and reports the response', async () => {
    receiver.script('/ok', { status: 201, body: 'thanks' });
    const result = await post(client(), receiver.url('/ok'));
    expect(result).toMatchObject({ kind: 'response', status: 201, body: 'thanks' });
    expect(receiver.on('/ok')).toHaveLength(1);
    expect(receiver.on('/ok')[0]).toMatchObject({ method: 'POST', rawBody: '{"a":1}' });
    expect(receiver.on('/ok')[0].headers['x-custom']).toBe('v');
  });

  it('keeps only the first bytes of a large response body', async () => {
    receiver.script('/big', { status: 500, body: 'x'.repeat(200_000) });
    const result = await post(client(LOOPBACK, 100), receiver.url('/big'));
    expect(result).toMatchObject({ kind: 'response', status: 500 });
    if (result.kind === 'response') expect(result.body).toHaveLength(100);
  });

  it('does not follow redirects', async () => {
    receiver.script('/moved', { status: 302, headers: { location: receiver.url('/elsewhere') } });
    const result = await post(client(), receiver.url('/moved'));
    expect(result).toMatchObject({ kind: 'response', status: 302 });
    expect(receiver.on('/elsewhere')).toHaveLength(0);
  });

  it('passes Retry-After on', async () => {
    receiver.script('/busy', { status: 429, headers: { 'retry-after': '12' } });
    expect(await post(client(), receiver.url('/busy'))).toMatchObject({ status: 429, retryAfter: '12' });
  });

  it('gives up on a receiver that never answers at the attempt deadline', async () => {
    receiver.script('/hole', { blackHole: true });
    const started = Date.now();
    const result = await post(client(), receiver.url('/hole'), 300);
    expect(result).toMatchObject({ kind: 'failure', failure: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reports a refused connection as a network failure', async () => {
    const closed = await closedPort();
    const result = await post(client(), `http://127.0.0.1:${closed}/`);
    // The tenant learns the error's code; the address it tried goes to the log only.
    expect(result).toMatchObject({ kind: 'failure', failure: 'network', message: 'network error: ECONNREFUSED', detail: expect.stringContaining(`127.0.0.1:${closed}`) });
  });

  it('refuses URLs it cannot deliver to', async () => {
    expect(await post(client(), 'ftp://example.com/x')).toMatchObject({ kind: 'failure', failure: 'invalid_url' });
    expect(await post(client(), 'http://user:pw@127.0.0.1/x')).toMatchObject({ kind: 'failure', failure: 'invalid_url' });
    expect(await post(client(), 'not a url')).toMatchObject({ kind: 'failure', failure: 'invalid_url' });
  });

  describe('egress policy (SSRF)', () => {
    // No allowlist: loopback is as forbidden as any internal address. The
    // receiver listens on 127.0.0.1, so anything that got through would show.
    const strict = () => client([]);

    it.each([
      ['an IP literal', (port: number) => `http://127.0.0.1:${port}/x`, 'loopback'],
      ['a hostname resolving to loopback', (port: number) => `http://localhost:${port}/x`, 'localhost resolves to 127.0.0.1'],
      ['the IPv4-mapped IPv6 form', (port: number) => `http://[::ffff:127.0.0.1]:${port}/x`, 'embeds 127.0.0.1'],
      ['the unspecified address', (port: number) => `http://0.0.0.0:${port}/x`, 'unspecified'],
      ['the decimal form of 127.0.0.1', (port: number) => `http://2130706433:${port}/x`, 'loopback'],
    ])('refuses loopback by %s before connecting', async (_label, url, reason) => {
      const result = await post(strict(), url(receiver.port));
      expect(result).toMatchObject({ kind: 'failure', failure: 'ssrf_blocked', message: DESTINATION_NOT_ALLOWED });
      if (result.kind === 'failure') expect(result.detail).toContain(reason);
      expect(receiver.requests).toHaveLength(0);
    });

    it.each([
      ['http://10.0.0.1/', 'private'],
      ['http://172.16.0.1/', 'private'],
      ['http://192.168.0.1/', 'private'],
      ['http://169.254.169.254/latest/meta-data/', 'link-local'],
      ['http://100.64.0.1/', 'carrier-grade NAT'],
      ['http://224.0.0.1/', 'multicast'],
      ['http://192.0.2.1/', 'documentation'],
      ['http://[fd00::1]/', 'unique local'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://[::ffff:10.0.0.1]/', 'private'],
      ['http://[::ffff:169.254.169.254]/', 'link-local'],
      ['https://10.0.0.1/', 'private'],
    ])('refuses %s (%s)', async (url, reason) => {
      const result = await post(strict(), url, 5_000);
      expect(result).toMatchObject({ kind: 'failure', failure: 'ssrf_blocked', message: DESTINATION_NOT_ALLOWED });
      if (result.kind === 'failure') expect(result.detail).toContain(reason);
    });

    it('lets allowlisted hostnames, IPs and subnets through', async () => {
      receiver.script('/in', { status: 204 });
      expect(await post(client(['localhost']), `http://localhost:${receiver.port}/in`)).toMatchObject({ status: 204 });
      expect(await post(client(['127.0.0.0/8']), receiver.url('/in'))).toMatchObject({ status: 204 });
      expect(await post(client(['127.0.0.1']), `http://localhost:${receiver.port}/in`)).toMatchObject({ status: 204 });
      expect(await post(client(['127.0.0.2']), receiver.url('/in'))).toMatchObject({ failure: 'ssrf_blocked' });
      expect(receiver.on('/in')).toHaveLength(3);
    });

    it('applies a tenant its own allowlist, and never lends its kept-alive connections to another tenant', async () => {
      receiver.script('/in', { status: 204 });
      const c = client([], 1024, new Map([['ten_a', ['localhost']]]));
      const url = `http://localhost:${receiver.port}/in`;
      expect(await post(c, url, 2_000, 'ten_a')).toMatchObject({ status: 204 });
      // ten_a's connection to this origin is open and idle now: ten_b must still be refused.
      expect(await post(c, url, 2_000, 'ten_b')).toMatchObject({ failure: 'ssrf_blocked', message: DESTINATION_NOT_ALLOWED });
      expect(await post(c, url, 2_000, 'ten_a')).toMatchObject({ status: 204 });
      expect(receiver.on('/in')).toHaveLength(2);
    });

    it('never reaches metadata endpoints, even through an allowlisted hostname or subnet', async () => {
      const c = client(['*.internal', '0.0.0.0/0', '::/0']);
      for (const url of ['http://metadata.google.internal/computeMetadata/v1/', 'http://169.254.169.254/', 'http://100.100.100.200/', 'http://[fd00:ec2::254]/', 'http://[fe80::1]/']) {
        expect(await post(c, url, 5_000)).toMatchObject({ failure: 'ssrf_blocked', message: DESTINATION_NOT_ALLOWED });
      }
    });
  });
});

async function closedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
