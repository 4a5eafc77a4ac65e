import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { WorkflowState } from '@hookstream/contracts';
import { openServiceDataSource } from '@hookstream/persistence';
import { KeyRing, SEALED_PREFIX } from '@hookstream/secrets';
import { sampleAction, sampleWorkflowState, serviceDatabaseUrl, testLogger, uniquePrefix } from '@hookstream/testing';
import { commandsOf, workflowBody } from './__fixtures__/workflow-commands';
import { SecretResealer } from './secret-resealer';
import { WorkflowStore } from './workflow.store';
import { WorkflowConfigEntities, WorkflowConfigMigrations } from './workflow-config-service.module';

const TENANT = 'ten_sealed';
const key = () => randomBytes(32).toString('base64');
const K1 = `k1:${key()}`;

/** A workflow whose every secret is a string nothing else in it holds. */
function withSecrets(): { state: WorkflowState; secrets: string[] } {
  const tag = randomBytes(6).toString('hex');
  const secrets = [`hdr-value-${tag}`, `sig-key-${tag}`, `whsec_${Buffer.from(`whsec-${tag}-32-bytes-long-xx`).toString('base64')}`];
  const action = sampleAction({ headers: { 'X-Api-Key': secrets[0] }, signature: { method: 'HMACSHA256', key: secrets[1] }, signing_secrets: [secrets[2]] });
  return { state: sampleWorkflowState({ tenant_id: TENANT, actions: [action] }), secrets };
}

describe('workflow secrets at rest, against the real Postgres', () => {
  const schema = `${uniquePrefix('sealed').toLowerCase()}workflow_config`;
  let dataSource: DataSource;

  /** Everything Postgres holds of the workflow: its row, its events and its outbox rows. */
  const stored = async (id: string) =>
    JSON.stringify([
      await dataSource.query('SELECT state::text FROM workflows WHERE id = $1', [id]),
      await dataSource.query('SELECT data::text, changes::text FROM workflow_events WHERE workflow_id = $1 ORDER BY version', [id]),
      await dataSource.query('SELECT state::text, events::text FROM config_outbox WHERE workflow_id = $1 ORDER BY id', [id]),
    ]);

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: serviceDatabaseUrl('WORKFLOW_CONFIG_DATABASE_URL'), schema, entities: WorkflowConfigEntities, migrations: WorkflowConfigMigrations });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  it('stores every secret sealed, in the workflow row, its events and the outbox, and reads them back in clear', async () => {
    const commands = commandsOf(new WorkflowStore(dataSource, KeyRing.parse(K1)), TENANT);
    const tag = randomBytes(6).toString('hex');
    const secrets = [`hdr-value-${tag}`, `sig-key-${tag}`];
    const created = await commands.create(
      workflowBody({ actions: [{ type: 'webhook', url: 'https://merchant.example/webhooks', headers: { 'X-Api-Key': secrets[0] }, signature: { method: 'HMACSHA256', key: secrets[1] } }] }),
    );
    secrets.push(created.actions[0].signing_secrets[0]);
    await commands.rename(created.id, 'renamed');
    const rows = await stored(created.id);
    for (const secret of secrets) expect(rows).not.toContain(secret);
    // The row, the created event, two outbox states and the created event in the outbox: three secrets each.
    expect(rows.split(SEALED_PREFIX).length - 1).toBe(5 * 3);
    expect(await new WorkflowStore(dataSource, KeyRing.parse(K1)).get(created.id, TENANT)).toEqual({ ...created, name: 'renamed', version: 2, updated_at: expect.any(String) });
  });

  it('imports a row stored in clear before history and sealing, sealed; the resealer moves everything to a new key after a rotation', async () => {
    const { state, secrets } = withSecrets();
    // As a version before sealing and history wrote it.
    await dataSource.query('INSERT INTO workflows (id, tenant_id, state) VALUES ($1, $2, $3)', [state.id, TENANT, JSON.stringify(state)]);
    const store = new WorkflowStore(dataSource, KeyRing.parse(K1));
    expect(await store.get(state.id, TENANT)).toEqual(state);

    const resealer = new SecretResealer(dataSource, store, KeyRing.parse(K1), testLogger('resealer'));
    // Only the clear row: the one the first test stored is sealed with the first key already.
    expect(await resealer.resealAll()).toBe(1);
    const rows = await stored(state.id);
    for (const secret of secrets) expect(rows).not.toContain(secret);
    const events: { type: string; version: number; actor: unknown }[] = await dataSource.query('SELECT type, version, actor FROM workflow_events WHERE workflow_id = $1', [state.id]);
    expect(events).toEqual([{ type: 'workflow.imported', version: 1, actor: { type: 'platform', id: 'migration' } }]);
    expect(await store.get(state.id, TENANT)).toEqual(state);
    expect(await resealer.resealAll()).toBe(0);

    const rotated = KeyRing.parse(`k2:${key()},${K1}`);
    const rotatedStore = new WorkflowStore(dataSource, rotated);
    expect(await new SecretResealer(dataSource, rotatedStore, rotated, testLogger('resealer')).resealAll()).toBe(2);
    const [{ state: row }] = await dataSource.query('SELECT state::text FROM workflows WHERE id = $1', [state.id]);
    expect(row).not.toContain(`${SEALED_PREFIX}k1:`);
    expect(row).toContain(`${SEALED_PREFIX}k2:`);
    const [resealed] = await dataSource.query(`SELECT data::text, actor FROM workflow_events WHERE workflow_id = $1 AND type = 'secrets.resealed'`, [state.id]);
    expect(resealed.actor).toEqual({ type: 'platform', id: 'resealer' });
    expect(resealed.data).not.toContain(`${SEALED_PREFIX}k1:`);
    // The same values, sealed anew: the state reads the same, a version later.
    expect(await rotatedStore.get(state.id, TENANT)).toEqual({ ...state, version: 2, updated_at: expect.any(String) });
  });
});
