import { databaseUrlViaPort, SecondBroker, SERVICE_NAMES, ServiceName, TcpGate, TestPlatform, testInfra, waitFor } from '@hookstream/testing';

const USES_POSTGRES: ServiceName[] = ['gateway', 'workflow-config', 'event-ingest', 'projection'];

async function readiness(platform: TestPlatform, name: ServiceName): Promise<number> {
  const res = await fetch(`${platform.opsUrl(name)}/health/ready`);
  await res.arrayBuffer();
  return res.status;
}

async function expectReadiness(platform: TestPlatform, names: readonly ServiceName[], status: number, what: string) {
  for (const name of names) {
    await waitFor(async () => (await readiness(platform, name)) === status, { timeoutMs: 60_000, intervalMs: 250, what: `${name} ${what}` });
  }
}

/**
 * Every service's /health/ready follows its real dependencies: Postgres cut
 * behind a TCP gate, and a private Kafka broker stopped and started again.
 */
describe('readiness of the six services', () => {
  const broker = new SecondBroker();
  let gate: TcpGate;
  let platform: TestPlatform;

  beforeAll(async () => {
    broker.up();
    const { databaseUrl, serviceDatabaseUrls } = testInfra();
    const db = new URL(databaseUrl);
    gate = new TcpGate(db.hostname, Number(db.port || 5432));
    await gate.open();
    // Every service's own role, through the gate.
    const gated = [...serviceDatabaseUrls].map(([name, url]) => [name, databaseUrlViaPort(url, gate.port)]);
    platform = await new TestPlatform({ label: 'ready', env: { KAFKA_BROKERS: broker.brokers, ...Object.fromEntries(gated) } }).start();
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
    await gate?.close();
    broker.down();
  }, 60_000);

  it('reports Postgres down for the services that use it, and recovers', async () => {
    await expectReadiness(platform, SERVICE_NAMES, 200, 'ready at start');
    await gate.close();
    await expectReadiness(platform, USES_POSTGRES, 503, 'unready without Postgres');
    await expectReadiness(
      platform,
      SERVICE_NAMES.filter((n) => !USES_POSTGRES.includes(n)),
      200,
      'still ready (no Postgres dependency)',
    );
    await gate.open();
    await expectReadiness(platform, SERVICE_NAMES, 200, 'ready again with Postgres back');
  }, 180_000);

  it('reports Kafka down for every service, and recovers when the broker is back', async () => {
    broker.down();
    await expectReadiness(platform, SERVICE_NAMES, 503, 'unready without Kafka');
    broker.up();
    await expectReadiness(platform, SERVICE_NAMES, 200, 'ready again with Kafka back');
  }, 240_000);
});
