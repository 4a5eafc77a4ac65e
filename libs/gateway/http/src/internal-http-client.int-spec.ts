import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { InternalHeaders } from '@hookstream/contracts';
import { ServiceCredentials } from '@hookstream/service-runtime';
import { ServiceUnreachableError, UpstreamError } from './api-error';
import { InternalHttpClient } from './internal-http-client';

const KEY = 'gateway-client-test-key-000000000000';

describe('InternalHttpClient', () => {
  let server: Server;
  let client: InternalHttpClient;
  const seen: IncomingMessage[] = [];
  const answers = new Map<string, { status: number; body: unknown }>([
    ['/internal/ok', { status: 200, body: { n: 1 } }],
    ['/internal/refused', { status: 401, body: { error_type: 'unauthorized', error_codes: ['service_credential_invalid'] } }],
    ['/internal/missing', { status: 404, body: { error_type: 'not_found' } }],
  ]);

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      const answer = answers.get(req.url ?? '') ?? { status: 200, body: { n: 'not a number' } };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new InternalHttpClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, new ServiceCredentials(KEY, 'gateway'));
  });

  afterAll(async () => {
    await client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('signs every call for the tenant it acts for, and sends that tenant nowhere else', async () => {
    await client.call('GET', '/internal/ok?x=1', { tenantId: 'ten_a' });
    const req = seen[seen.length - 1];
    const check = new ServiceCredentials(KEY, 'projection').verify(req.headers[InternalHeaders.credential], { method: 'GET', path: req.url ?? '' });
    expect(check).toEqual({ ok: true, caller: { service: 'gateway', tenantId: 'ten_a' } });
    expect(Object.values(req.headers).join(' ')).not.toContain('ten_a');
  });

  it("answers 503, not the client's 401, when a service refuses the gateway's credential", async () => {
    await expect(client.call('GET', '/internal/refused', { tenantId: 'ten_a' })).rejects.toBeInstanceOf(ServiceUnreachableError);
  });

  it('reads an answer with its contract: outside it is the service fault (503); 404 is none with find', async () => {
    const Answer = z.object({ n: z.number() });
    expect(await client.read('GET', '/internal/ok', Answer)).toEqual({ n: 1 });
    await expect(client.read('GET', '/internal/odd', Answer)).rejects.toBeInstanceOf(ServiceUnreachableError);
    expect(await client.find('GET', '/internal/missing', Answer)).toBeUndefined();
    await expect(client.read('GET', '/internal/missing', Answer)).rejects.toBeInstanceOf(UpstreamError);
  });
});
