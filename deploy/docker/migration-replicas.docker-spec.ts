import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { GenericContainer, Network, StartedNetwork, StartedTestContainer, Wait } from 'testcontainers';

/** The image's contract for a release's migration Job: the service's whole config, and DATABASE_MIGRATIONS=only. */
const REPLICA_ENV = {
  SERVICE: 'workflow-config',
  DATABASE_MIGRATIONS: 'only',
  WORKFLOW_CONFIG_DATABASE_URL: 'postgres://hookstream:hookstream@postgres:5432/hookstream',
  // Validated like every setting, never reached: nothing but the migration step runs.
  KAFKA_BROKERS: 'kafka:9092',
  INTERNAL_API_KEY: randomBytes(32).toString('hex'),
  HOOKSTREAM_ENCRYPTION_KEYS: `replicas:${randomBytes(32).toString('base64')}`,
};

/**
 * Replicas of the image that migrate together, on a Postgres of their own
 * (testcontainers, on the images scripts/docker.sh builds): three
 * migration-only containers of one service start at once on a fresh
 * database; each exits 0, and every migration ran exactly once, since they
 * take turns on the schema's advisory lock.
 */
describe('migration-only replicas of the image on a fresh Postgres', () => {
  let network: StartedNetwork;
  let postgres: StartedTestContainer;
  const replicas: StartedTestContainer[] = [];
  const db = () =>
    new Client({ host: postgres.getHost(), port: postgres.getMappedPort(5432), user: 'hookstream', password: 'hookstream', database: 'hookstream' });

  beforeAll(async () => {
    network = await new Network().start();
    postgres = await new GenericContainer(process.env.HOOKSTREAM_POSTGRES_IMAGE ?? 'postgres:17')
      .withNetwork(network)
      .withNetworkAliases('postgres')
      .withEnvironment({ POSTGRES_USER: 'hookstream', POSTGRES_PASSWORD: 'hookstream', POSTGRES_DB: 'hookstream' })
      .withExposedPorts(5432)
      // The first start's temporary server listens on no port: an open port is the real one.
      .withWaitStrategy(Wait.forListeningPorts())
      .start();
  }, 120_000);

  afterAll(async () => {
    // No reaper here (TESTCONTAINERS_RYUK_DISABLED): the test removes what it made.
    for (const replica of replicas) await replica.stop();
    await postgres?.stop();
    await network?.stop();
  }, 60_000);

  it('start together, each exits 0, and every migration ran once', async () => {
    const image = process.env.HOOKSTREAM_IMAGE ?? 'hookstream:latest';
    replicas.push(
      ...(await Promise.all(
        [1, 2, 3].map(() => new GenericContainer(image).withNetwork(network).withEnvironment(REPLICA_ENV).withWaitStrategy(Wait.forOneShotStartup()).start()),
      )),
    );
    const client = db();
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; times: string }>('SELECT name, count(*) AS times FROM workflow_config.migrations GROUP BY name');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter((row) => row.times !== '1')).toEqual([]);
    } finally {
      await client.end();
    }
  }, 180_000);
});
