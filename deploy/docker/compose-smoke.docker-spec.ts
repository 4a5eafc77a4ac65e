import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { rejectedMessagesTopic, Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { HttpReceiver, testLogger, waitFor } from '@hookstream/testing';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
/** docker-compose.yml's bootstrap tenant. */
const TENANT = 'ten_local';
/** Keys of our own: in production (as compose runs) every service refuses the published examples. */
const API_KEY = `sk_${randomBytes(16).toString('hex')}`;
const KEYS = {
  BOOTSTRAP_API_KEY: API_KEY,
  ADMIN_API_KEY: `adm_${randomBytes(16).toString('hex')}`,
  INTERNAL_API_KEY: randomBytes(32).toString('hex'),
  HOOKSTREAM_ENCRYPTION_KEYS: `smoke:${randomBytes(32).toString('base64')}`,
};
const SERVICES = ['gateway', 'workflow-config', 'event-ingest', 'matcher', 'delivery', 'projection'];
/** Every container's log of the last run, written as the stack goes down. */
const LOGS = path.join(tmpdir(), 'hookstream-compose-smoke.log');

/** A port nobody listens on now, for compose to publish. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * docker-compose.yml on the service image (scripts/docker.sh images builds
 * both, with local bases where no registry answers): every service starts
 * as user 1000 on a read-only root and turns healthy; a migrate-only run
 * exits 0 having migrated; and an event published to the compose Kafka
 * reaches a receiver on the host as a signed webhook, which the events API
 * then shows.
 */
describe('docker-compose.yml on the service image', () => {
  const project = `hookstream-smoke-${randomBytes(3).toString('hex')}`;
  const receiver = new HttpReceiver();
  const env: Record<string, string> = {};
  let gateway = '';
  let kafka: KafkaConnection | undefined;

  // HOOKSTREAM_COMPOSE (the global setup): docker-compose, or docker compose.
  const [composeCommand, ...composeArgs] = (process.env.HOOKSTREAM_COMPOSE ?? 'docker-compose').split(' ');
  const compose = async (...args: string[]) =>
    (await run(composeCommand, [...composeArgs, '-p', project, '-f', path.join(ROOT, 'docker-compose.yml'), ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 }))
      .stdout;
  const docker = async (...args: string[]) => (await run('docker', args, { maxBuffer: 16 << 20 })).stdout.trim();
  const api = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${gateway}${route}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const containerOf = async (service: string) => (await compose('ps', '-q', service)).trim();
  const inspect = async (container: string, format: string) => docker('inspect', '--format', format, container);
  const sql = async (query: string) => (await compose('exec', '-T', 'postgres', 'psql', '-U', 'hookstream', '-d', 'hookstream', '-tAc', query)).trim();

  beforeAll(async () => {
    for (const name of ['HOOKSTREAM_IMAGE', 'HOOKSTREAM_KAFKA_IMAGE', 'HOOKSTREAM_POSTGRES_IMAGE']) {
      if (!process.env[name]) throw new Error(`${name} is not set: the docker project's global setup runs scripts/docker.sh images`);
    }
    // Containers reach the host at the bridge's gateway address (host.docker.internal in docker-compose.yml).
    const hostAddress = await docker('network', 'inspect', 'bridge', '--format', '{{(index .IPAM.Config 0).Gateway}}');
    await receiver.start(hostAddress);
    const [gatewayPort, opsPort, kafkaPort] = [await freePort(), await freePort(), await freePort()];
    Object.assign(env, {
      ...KEYS,
      HOOKSTREAM_GATEWAY_PORT: String(gatewayPort),
      HOOKSTREAM_GATEWAY_OPS_PORT: String(opsPort),
      HOOKSTREAM_KAFKA_PORT: String(kafkaPort),
      DELIVERY_ALLOWED_HOSTS: `host.docker.internal,${hostAddress}`,
      RETRY_TIME_SCALE: '0.001',
    });
    gateway = `http://127.0.0.1:${gatewayPort}`;
    await compose('up', '-d', '--no-build', 'kafka', 'postgres');
    await waitFor(async () => (await inspect(await containerOf('postgres'), '{{.State.Health.Status}}')) === 'healthy', { timeoutMs: 60_000, what: 'Postgres healthy' });
  }, 120_000);

  afterAll(async () => {
    await kafka?.disconnect();
    await receiver.stop();
    // What the containers said, for whoever has to find out why a test failed.
    writeFileSync(LOGS, await compose('logs', '--no-color', '--timestamps').catch((err: Error) => err.message));
    await compose('down', '-v', '--remove-orphans', '-t', '5');
  }, 120_000);

  it('migrates a schema alone with DATABASE_MIGRATIONS=only and exits 0; a service without a database exits 0 at once', async () => {
    const only = ['run', '--rm', '--no-deps', '-e', 'DATABASE_MIGRATIONS=only'];
    await compose(...only, 'workflow-config');
    expect(Number(await sql('SELECT count(*) FROM workflow_config.migrations'))).toBeGreaterThan(0);
    await compose(...only, 'matcher');
  }, 120_000);

  it('starts every service as user 1000:1000 on a read-only root, healthy (ready) within the start period', async () => {
    await compose('up', '-d', '--no-build');
    for (const service of SERVICES) {
      const container = await containerOf(service);
      await waitFor(async () => (await inspect(container, '{{.State.Health.Status}}')) === 'healthy', { timeoutMs: 180_000, intervalMs: 1000, what: `${service} healthy` });
      expect(await inspect(container, '{{.Config.User}} {{.HostConfig.ReadonlyRootfs}}')).toBe('1000:1000 true');
    }
    const ready = await fetch(`http://127.0.0.1:${env.HOOKSTREAM_GATEWAY_OPS_PORT}/health/ready`);
    expect(ready.status).toBe(200);
  }, 300_000);

  it('delivers an event published to Kafka as a signed webhook to a receiver on the host, and the events API shows it', async () => {
    const signingKey = `key-${randomBytes(8).toString('hex')}`;
    const created = await api('POST', '/workflows', {
      name: 'compose smoke',
      conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
      actions: [{ type: 'webhook', url: `http://host.docker.internal:${receiver.port}/hook`, signature: { method: 'HMACSHA256', key: signingKey } }],
    });
    expect(created.status).toBe(201);
    const workflow = await api('GET', `/workflows/${created.body.id}`);
    const secret = (await api('GET', `/workflows/${created.body.id}/actions/${workflow.body.actions[0].id}/secret`)).body.secret as string;
    expect(secret).toMatch(/^whsec_/);

    kafka = new KafkaConnection({ brokers: [`127.0.0.1:${env.HOOKSTREAM_KAFKA_PORT}`], clientId: 'compose-smoke', logger: testLogger(), deadLetter: rejectedMessagesTopic('test') });
    await kafka.connect();
    // The matcher loads the new workflow from the config topic on its own time: publish new events until one arrives.
    const sent = await waitFor(
      async () => {
        const subject = `pay_smoke${randomBytes(8).toString('hex')}`;
        const envelope = { id: `smoke-${subject}`, tenant: TENANT, source: 'gateway', type: 'payment_approved', subject_id: subject, data: { amount: 100, currency: 'EUR' } };
        await kafka?.publisher.publishEncoded(Topics.producerEvents, [{ key: subject, value: JSON.stringify(envelope) }]);
        return waitFor(() => receiver.on('/hook').find((r) => r.rawBody.includes(subject)), { timeoutMs: 5_000 }).catch(() => undefined);
      },
      { timeoutMs: 120_000, intervalMs: 0, what: 'a webhook on the host' },
    );
    expect(() => new Webhook(secret).verify(sent.rawBody, sent.headers)).not.toThrow();
    expect(sent.headers['cko-signature']).toBe(createHmac('sha256', signingKey).update(sent.rawBody).digest('hex'));
    const eventId = (JSON.parse(sent.rawBody) as { id: string }).id;

    const event = await waitFor(
      async () => {
        const res = await api('GET', `/workflows/events/${eventId}`);
        return res.status === 200 && res.body.action_invocations?.[0]?.status === 'successful' ? res.body : undefined;
      },
      { timeoutMs: 30_000, what: 'the event with a successful invocation in the events API' },
    );
    expect(event).toMatchObject({ id: eventId, type: 'payment_approved', data: { amount: 100 } });
    expect(event.action_invocations[0]).toMatchObject({ workflow_id: created.body.id });
  }, 180_000);
});
