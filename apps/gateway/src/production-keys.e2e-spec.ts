import { LOCAL_INTERNAL_API_KEY } from '@hookstream/config';
import { DEVELOPMENT_KEY_RING } from '@hookstream/secrets';
import { freePort, SERVICE_NAMES, ServiceName, ServiceProcess } from '@hookstream/testing';

/** The secret settings each service reads: production refuses a published or empty value in any of them. */
const SECRETS_OF: Record<ServiceName, readonly string[]> = {
  gateway: ['INTERNAL_API_KEY', 'ADMIN_API_KEY', 'BOOTSTRAP_API_KEY'],
  'workflow-config': ['INTERNAL_API_KEY', 'HOOKSTREAM_ENCRYPTION_KEYS'],
  'event-ingest': ['INTERNAL_API_KEY'],
  matcher: ['INTERNAL_API_KEY'],
  projection: ['INTERNAL_API_KEY'],
  delivery: ['HOOKSTREAM_ENCRYPTION_KEYS'],
};

// Everything else a service needs to get past its configuration: never reached, since the keys stop it first.
const unreachable = 'postgres://nobody:nothing@127.0.0.1:1/none';
const otherSettings = {
  KAFKA_BROKERS: '127.0.0.1:1',
  GATEWAY_DATABASE_URL: unreachable,
  WORKFLOW_CONFIG_DATABASE_URL: unreachable,
  EVENT_INGEST_DATABASE_URL: unreachable,
  PROJECTION_DATABASE_URL: unreachable,
};

/** The keys anyone can read: the local development defaults, and docker-compose.yml's examples. */
const published = {
  development: {
    INTERNAL_API_KEY: LOCAL_INTERNAL_API_KEY,
    ADMIN_API_KEY: 'adm_local_dev_key_00000000000000',
    BOOTSTRAP_TENANT_ID: 'ten_local',
    BOOTSTRAP_API_KEY: 'sk_local_dev_key_0000000000000000',
    HOOKSTREAM_ENCRYPTION_KEYS: DEVELOPMENT_KEY_RING,
  },
  'docker-compose.yml': {
    INTERNAL_API_KEY: 'int_local_change_me_00000000000000000000',
    ADMIN_API_KEY: 'adm_local_change_me_000000000000000',
    BOOTSTRAP_TENANT_ID: 'ten_local',
    BOOTSTRAP_API_KEY: 'sk_local_change_me_0000000000000000',
    HOOKSTREAM_ENCRYPTION_KEYS: 'compose-example:JRPPeYGEJodG5b1p+FEBM9ykebtLwLNNr+e6Hq0XNxE=',
  },
};

/** How a service started with NODE_ENV=production and `keys` ends: its exit, and the variables its output names. */
async function productionStart(service: ServiceName, keys: Record<string, string>): Promise<{ exit: string; named: string[] }> {
  const child = new ServiceProcess({ name: service, port: await freePort(), env: { ...otherSettings, ...keys, NODE_ENV: 'production' } });
  const exit = await child.start(60_000).then(
    async () => {
      await child.stop();
      return 'started';
    },
    (err: Error) => err.message.split('\n')[0],
  );
  return { exit, named: SECRETS_OF[service].filter((variable) => new RegExp(`${variable}: is (a published|empty)`).test(child.logs)) };
}

/**
 * The whole service, not only its configuration schema: each one started in
 * production with a published key exits 78 (EX_CONFIG) before it connects
 * to anything, naming every variable to change.
 */
describe('production refuses published and empty keys', () => {
  it.each(Object.entries(published))('every service exits 78 with the %s keys, naming each of its secret settings', async (_, keys) => {
    const outcomes = await Promise.all(SERVICE_NAMES.map(async (service) => ({ service, ...(await productionStart(service, keys)) })));
    expect(outcomes).toEqual(SERVICE_NAMES.map((service) => ({ service, exit: `${service} exited with 78`, named: SECRETS_OF[service] })));
  }, 120_000);

  it('every service that signs internal calls exits 78 with a blank internal key', async () => {
    const signing = SERVICE_NAMES.filter((service) => SECRETS_OF[service].includes('INTERNAL_API_KEY'));
    const outcomes = await Promise.all(signing.map(async (service) => ({ service, ...(await productionStart(service, { INTERNAL_API_KEY: ' '.repeat(40) })) })));
    for (const outcome of outcomes) expect(outcome).toMatchObject({ exit: `${outcome.service} exited with 78`, named: expect.arrayContaining(['INTERNAL_API_KEY']) });
  }, 120_000);
});
