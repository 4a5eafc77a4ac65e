import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Topics, WorkflowState } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { openServiceDataSource } from '@hookstream/persistence';
import { DEVELOPMENT_KEY_RING, KeyRing } from '@hookstream/secrets';
import { Metrics } from '@hookstream/service-runtime';
import { sampleWorkflowState, serviceDatabaseUrl, testInfra, testLogger, TopicRecorder, uniquePrefix, waitFor } from '@hookstream/testing';
import { DEFAULT_WORKFLOW_LIMITS, mapWorkflowSecrets } from '@hookstream/workflow-definition';
import { addActionCommand, changed, commandsOf, createCommand, patchCommand, TEST_META, workflowBody } from './__fixtures__/workflow-commands';
import { OutboxRelay, outboxVerdict } from './outbox.relay';
import { SecretResealer } from './secret-resealer';
import { WorkflowHistory } from './workflow-history';
import { WorkflowRebuild } from './workflow-rebuild';
import { CommandMeta, WorkflowStore, WorkflowTarget } from './workflow.store';
import { WorkflowConfigEntities, WorkflowConfigMigrations } from './workflow-config-service.module';

const TENANT = 'ten_events';
const keyRing = KeyRing.parse(DEVELOPMENT_KEY_RING);

/** A promise and its resolve, to hold one side of a race until the other has run. */
function gate(): { open: () => void; opened: Promise<void> } {
  let open: (() => void) | undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open: () => open?.(), opened };
}

const openSchema = (schema: string, migrations = WorkflowConfigMigrations) =>
  openServiceDataSource({ url: serviceDatabaseUrl('WORKFLOW_CONFIG_DATABASE_URL'), schema, entities: WorkflowConfigEntities, migrations });

describe('workflow events against the real Postgres and Kafka', () => {
  const prefix = uniquePrefix('wfevents');
  const schema = `${prefix.toLowerCase()}workflow_config`;
  let dataSource: DataSource;
  let store: WorkflowStore;
  let commands: ReturnType<typeof commandsOf>;
  let history: WorkflowHistory;
  const dropped: string[] = [schema];

  const versionsOf = async (id: string): Promise<number[]> =>
    (await dataSource.query('SELECT version FROM workflow_events WHERE workflow_id = $1 ORDER BY version', [id])).map((r: { version: number }) => r.version);

  beforeAll(async () => {
    dataSource = await openSchema(schema);
    store = new WorkflowStore(dataSource, keyRing);
    commands = commandsOf(store, TENANT);
    history = new WorkflowHistory(dataSource);
  }, 60_000);

  afterAll(async () => {
    for (const name of dropped) await dataSource?.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    await dataSource?.destroy();
  }, 30_000);

  describe('optimistic concurrency', () => {
    it('lands two concurrent PATCHes decided on the same version: the one that lost the race decides again on the newer state', async () => {
      const workflow = await commands.create();
      const slowRead = gate();
      const fastDone = gate();
      const attempts: number[] = [];
      // The slow PATCH reads version 1 and decides, then waits while the fast one commits version 2.
      const slow = new WorkflowStore(dataSource, keyRing, {
        beforeAppend: async (_target, attempt) => {
          attempts.push(attempt);
          if (attempt === 1) {
            slowRead.open();
            await fastDone.opened;
          }
        },
      });
      const target: WorkflowTarget = { tenantId: TENANT, workflowId: workflow.id, kind: 'workflow' };
      const slowMeta: CommandMeta = { actor: { type: 'api_key', id: 'key_slow' }, requestId: 'req-slow' };
      const fastMeta: CommandMeta = { actor: { type: 'admin', id: null }, requestId: 'req-fast' };

      const slowPatch = slow.execute(target, patchCommand({ name: 'renamed by the slow one' }), slowMeta);
      await slowRead.opened;
      const fastPatch = await store.execute(target, patchCommand({ active: false }), fastMeta);
      fastDone.open();
      const slowOutcome = changed(await slowPatch);

      expect(changed(fastPatch).state).toMatchObject({ version: 2, active: false, name: 'approved payments' });
      expect(attempts).toEqual([1, 2]);
      // Both changes are in the final state, at consecutive versions, and in the history.
      expect(slowOutcome.state).toMatchObject({ version: 3, active: false, name: 'renamed by the slow one' });
      expect(await store.get(workflow.id, TENANT)).toEqual(slowOutcome.state);
      expect(await versionsOf(workflow.id)).toEqual([1, 2, 3]);
      const page = await history.page(TENANT, workflow.id, 'workflow', { limit: 20, before: null });
      expect(page?.data.map(({ version, type, actor, request_id, changes }) => ({ version, type, actor, request_id, changes }))).toEqual([
        { version: 3, type: 'workflow.renamed', actor: slowMeta.actor, request_id: 'req-slow', changes: [{ field: 'name', from: 'approved payments', to: 'renamed by the slow one' }] },
        { version: 2, type: 'workflow.deactivated', actor: fastMeta.actor, request_id: 'req-fast', changes: [{ field: 'active', from: true, to: false }] },
        { version: 1, type: 'workflow.created', actor: TEST_META.actor, request_id: TEST_META.requestId, changes: expect.any(Array) },
      ]);
      // The fold of the events is the stored snapshot, byte for byte as Postgres compares.
      expect((await new WorkflowRebuild(dataSource).verify()).mismatches).toEqual([]);
    }, 30_000);

    it('answers 409 workflow_version_conflict, writing nothing, when other changes keep taking the version', async () => {
      const workflow = await commands.create();
      let renames = 0;
      // Before each of its appends, another change lands first.
      const unlucky = new WorkflowStore(dataSource, keyRing, { maxAttempts: 3, beforeAppend: async () => void (await commands.rename(workflow.id, `rename ${++renames}`)) });
      const outcome = await unlucky.execute({ tenantId: TENANT, workflowId: workflow.id, kind: 'workflow' }, patchCommand({ active: false }), TEST_META);
      expect(outcome).toEqual({ ok: false, status: 409, codes: ['workflow_version_conflict'] });
      expect(await versionsOf(workflow.id)).toEqual([1, 2, 3, 4]);
      expect(await store.get(workflow.id, TENANT)).toMatchObject({ version: 4, active: true, name: 'rename 3' });
    }, 30_000);
  });

  it('keeps workflow_events append-only: updates, deletes and truncation are refused, saying why', async () => {
    const workflow = await commands.create();
    for (const sql of [
      `UPDATE workflow_events SET type = 'workflow.deleted' WHERE workflow_id = '${workflow.id}'`,
      `DELETE FROM workflow_events WHERE workflow_id = '${workflow.id}'`,
      'TRUNCATE workflow_events',
    ]) {
      await expect(dataSource.query(sql)).rejects.toThrow(/workflow_events is append-only: (UPDATE|DELETE|TRUNCATE) refused/);
    }
    expect(await versionsOf(workflow.id)).toEqual([1]);
  });

  it('imports the workflows that existed before the migration: one workflow.imported each, published; rows in clear at boot, sealed', async () => {
    const older = `${uniquePrefix('wfimport').toLowerCase()}workflow_config`;
    dropped.push(older);
    // The schema as the release before kept it, with a sealed workflow at version 4 and one still in clear.
    const before = await openSchema(older, WorkflowConfigMigrations.slice(0, 2));
    const sealed = sampleWorkflowState({ tenant_id: TENANT, version: 4 });
    const clear = sampleWorkflowState({ tenant_id: TENANT, version: 2 });
    await before.query('INSERT INTO workflows (id, tenant_id, state) VALUES ($1, $2, $3), ($4, $2, $5)', [
      sealed.id,
      TENANT,
      JSON.stringify(mapWorkflowSecrets(sealed, (s) => keyRing.seal(s))),
      clear.id,
      JSON.stringify(clear),
    ]);
    await before.destroy();

    const migrated = await openSchema(older);
    try {
      const events = await migrated.query('SELECT workflow_id, version, type, actor, request_id, changes FROM workflow_events ORDER BY seq');
      expect(events).toEqual([{ workflow_id: sealed.id, version: 4, type: 'workflow.imported', actor: { type: 'platform', id: 'migration' }, request_id: null, changes: [] }]);
      // On the outbox, so the recorded topic starts with it too; the relay's contract check takes it.
      const outbox: { workflow_id: string; state: unknown; events: unknown }[] = await migrated.query('SELECT workflow_id, state, events FROM config_outbox');
      expect(outbox.map((row) => row.workflow_id)).toEqual([sealed.id]);
      expect(outboxVerdict(outbox[0])).toMatchObject({ publishable: true, events: [{ type: 'workflow.imported', version: 4, workflow_id: sealed.id }] });
      const rebuild = new WorkflowRebuild(migrated);
      expect((await rebuild.verify()).mismatches).toEqual([{ workflowId: clear.id, tenantId: TENANT, problem: 'unrecorded' }]);

      // The row in clear is imported, sealed, before the service answers.
      const migratedStore = new WorkflowStore(migrated, keyRing);
      await new SecretResealer(migrated, migratedStore, keyRing, testLogger('resealer')).onModuleInit();
      const [imported] = await migrated.query(`SELECT version, data::text FROM workflow_events WHERE workflow_id = $1`, [clear.id]);
      expect(imported.version).toBe(2);
      expect(imported.data).not.toContain(clear.actions[0].signing_secrets[0]);
      expect(await rebuild.verify()).toMatchObject({ checked: 2, mismatches: [] });
      expect(await migratedStore.get(sealed.id, TENANT)).toEqual(sealed);
      expect(await migratedStore.get(clear.id, TENANT)).toEqual(clear);
      // History starts at the import; the next change follows it.
      changed(await migratedStore.execute({ tenantId: TENANT, workflowId: sealed.id, kind: 'workflow' }, patchCommand({ name: 'after the import' }), TEST_META));
      expect((await new WorkflowHistory(migrated).page(TENANT, sealed.id, 'workflow', { limit: 20, before: null }))?.data.map((e) => [e.version, e.type])).toEqual([
        [5, 'workflow.renamed'],
        [4, 'workflow.imported'],
      ]);
    } finally {
      await migrated.destroy();
    }
  }, 60_000);

  describe('history', () => {
    it('pages newest first, names who and which request, masks secrets in the diff, and outlives the workflow', async () => {
      const secret = 'hdr-secret-value-0123456789';
      const workflow = await commands.create(workflowBody({}, { 'X-Api-Key': secret }));
      for (const n of [1, 2, 3, 4]) await commands.rename(workflow.id, `name ${n}`);
      const { id: actionId } = await commands.run(workflow.id, addActionCommand({ type: 'webhook', url: 'https://merchant.example/second', headers: { Authorization: `Bearer ${secret}` } }));
      await commands.remove(workflow.id);

      const first = await history.page(TENANT, workflow.id, 'workflow', { limit: 3, before: null });
      expect(first?.data.map((e) => e.version)).toEqual([7, 6, 5]);
      expect(first?.data[0]).toMatchObject({ type: 'workflow.deleted', actor: TEST_META.actor, request_id: TEST_META.requestId });
      expect(first?.data[1]).toMatchObject({ type: 'action.added', changes: [{ field: `actions[${actionId}]`, to: expect.objectContaining({ url: 'https://merchant.example/second' }) }] });
      expect(first?.data[2].changes).toEqual([{ field: 'name', from: 'name 3', to: 'name 4' }]);
      expect(first?.next_cursor).toEqual(expect.any(String));
      const second = await history.page(TENANT, workflow.id, 'workflow', { limit: 3, before: 5 });
      expect(second?.data.map((e) => e.version)).toEqual([4, 3, 2]);
      const last = await history.page(TENANT, workflow.id, 'workflow', { limit: 3, before: 2 });
      expect(last).toEqual({ data: [expect.objectContaining({ version: 1, type: 'workflow.created' })], next_cursor: null });
      // Secrets show masked, never in clear.
      expect(JSON.stringify([first, second, last])).not.toContain(secret);
      expect(JSON.stringify(first)).toContain('Bear*');
    });

    it('is its tenant’s alone, and the /workflows history is not a subscription’s', async () => {
      const workflow = await commands.create();
      expect(await history.page('ten_other', workflow.id, 'workflow', { limit: 20, before: null })).toBeUndefined();
      expect(await history.page(TENANT, 'wf_unknown', 'workflow', { limit: 20, before: null })).toBeUndefined();
      const subscribed = createCommand(TENANT, workflowBody(), { uuid: randomUUID(), topic: 'payment_approved', expands: [] });
      const { state: subscription } = await commands.run(undefined, subscribed, 'subscription');
      expect(await history.page(TENANT, subscription!.id, 'workflow', { limit: 20, before: null })).toBeUndefined();
      expect((await history.page(TENANT, subscription!.id, 'subscription', { limit: 20, before: null }))?.data).toHaveLength(1);
    });
  });

  describe('rebuild', () => {
    let kafka: KafkaConnection;
    let configTopic: TopicRecorder;
    let relay: OutboxRelay | undefined;

    beforeAll(async () => {
      kafka = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'wfevents-int', topicPrefix: prefix, logger: testLogger('kafka') });
      await kafka.connect();
      await kafka.ensureTopics([Topics.workflowConfig, Topics.workflowEvents, Topics.configRejected]);
      configTopic = await new TopicRecorder(prefix, Topics.workflowConfig).start();
    }, 60_000);

    afterAll(async () => {
      await relay?.onModuleDestroy();
      await configTopic?.stop();
      await kafka?.disconnect();
    }, 30_000);

    it('finds every snapshot equal to the fold of its events, tells the ones tampered with, rebuilds them and re-publishes every state', async () => {
      // Several kinds of change: a patch replacing lists, an action added, a rotation, a 410, a re-enable, a reseal, deletes.
      const kept = await commands.create(workflowBody({}, { 'X-Api-Key': 'hdr-kept' }));
      const action = kept.actions[0];
      await commands.run(kept.id, patchCommand({ name: 'kept', conditions: [{ type: 'event', events: { gateway: ['payment_captured'] } }] }));
      await commands.run(kept.id, addActionCommand({ type: 'webhook', url: 'https://merchant.example/second', headers: {} }));
      await commands.run(kept.id, { type: 'rotate_secret', action_id: action.id, grace_ms: 3_600_000 });
      await commands.run(kept.id, { type: 'disable_endpoint', gone: { action_id: action.id, url: action.url, reason: '410 Gone', disabled_at: new Date().toISOString() } });
      await commands.run(kept.id, { type: 'enable_endpoint', action_id: action.id });
      await commands.run(kept.id, { type: 'reseal' });
      const gone = await commands.create();
      await commands.rename(gone.id, 'about to go');
      await commands.remove(gone.id);
      const tampered = await commands.create();
      const lost = await commands.create();
      const rebuild = new WorkflowRebuild(dataSource);
      expect((await rebuild.verify()).mismatches).toEqual([]);

      // What only a bug or a hand in the database does to the snapshots.
      await dataSource.query(`UPDATE workflows SET state = jsonb_set(state, '{name}', '"tampered"') WHERE id = $1`, [tampered.id]);
      await dataSource.query('DELETE FROM workflows WHERE id = $1', [lost.id]);
      await dataSource.query('INSERT INTO workflows (id, tenant_id, state) VALUES ($1, $2, $3)', [gone.id, TENANT, JSON.stringify(mapWorkflowSecrets(gone, (s) => keyRing.seal(s)))]);
      const problems = (await rebuild.verify()).mismatches;
      expect(problems).toEqual(
        expect.arrayContaining([
          { workflowId: tampered.id, tenantId: TENANT, problem: 'differs' },
          { workflowId: lost.id, tenantId: TENANT, problem: 'missing' },
          { workflowId: gone.id, tenantId: TENANT, problem: 'not_deleted' },
        ]),
      );
      expect(problems).toHaveLength(3);

      const report = await rebuild.rebuild({ republish: true });
      const live: { id: string; state: WorkflowState }[] = await dataSource.query('SELECT id, state FROM workflows');
      expect(report).toMatchObject({ rebuilt: 3, republished: live.length });
      expect((await rebuild.verify()).mismatches).toEqual([]);
      expect(await store.get(tampered.id, TENANT)).toEqual(tampered);
      expect(await store.get(lost.id, TENANT)).toEqual(lost);
      expect(await store.get(gone.id, TENANT)).toBeUndefined();

      // The relay puts every current state on the config topic again, and the tombstone of the one deleted.
      relay = new OutboxRelay(
        dataSource,
        kafka,
        { publicBaseUrl: 'http://localhost', relayIntervalMs: 50, relayBatchSize: 50, groupId: 'unused', limits: DEFAULT_WORKFLOW_LIMITS, keyRing, secretRotationGraceMs: 0 },
        testLogger('relay'),
        new Metrics('workflow-config'),
      );
      relay.onApplicationBootstrap();
      const latest = () => new Map(configTopic.json<WorkflowState>().map((m) => [m.key, m.value]));
      await waitFor(async () => Number((await dataSource.query('SELECT count(*) AS n FROM config_outbox'))[0].n) === 0, { timeoutMs: 30_000, what: 'the outbox published' });
      await waitFor(() => live.every((w) => latest().has(w.id)) && latest().get(gone.id) === null, { timeoutMs: 20_000, what: 'every state on the config topic' });
      for (const w of live) expect(latest().get(w.id)).toEqual(w.state);
      expect(mapWorkflowSecrets(latest().get(tampered.id)!, (s) => keyRing.open(s))).toEqual(tampered);
    }, 60_000);
  });
});

