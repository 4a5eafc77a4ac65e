import { DataSource } from 'typeorm';
import { fingerprintOf, Topics, WorkflowState } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { openServiceDataSource } from '@hookstream/persistence';
import { DEVELOPMENT_KEY_RING, KeyRing } from '@hookstream/secrets';
import { Metrics } from '@hookstream/service-runtime';
import { sampleWorkflowState, serviceDatabaseUrl, testInfra, testLogger, TopicRecorder, uniquePrefix, waitFor } from '@hookstream/testing';
import { DEFAULT_WORKFLOW_LIMITS } from '@hookstream/workflow-definition';
import { commandsOf, workflowBody } from './__fixtures__/workflow-commands';
import { ConfigTopicReconciler } from './config-topic.reconciler';
import { OutboxRelay } from './outbox.relay';
import { WorkflowStore } from './workflow.store';
import { WorkflowConfigEntities, WorkflowConfigMigrations } from './workflow-config-service.module';
import { WorkflowVersions } from './workflow-versions';

const TENANT = 'ten_reconcile';

/** The reconciler against the real Postgres and Kafka: what it republishes, tombstones and leaves alone. */
describe('config topic reconciler', () => {
  const prefix = uniquePrefix('reconcile');
  const schema = `${prefix.toLowerCase()}workflow_config`;
  const keyRing = KeyRing.parse(DEVELOPMENT_KEY_RING);
  const settings = { publicBaseUrl: 'http://localhost', relayIntervalMs: 50, relayBatchSize: 50, groupId: 'unused', limits: DEFAULT_WORKFLOW_LIMITS, keyRing, secretRotationGraceMs: 0 };
  let dataSource: DataSource;
  let kafka: KafkaConnection;
  let topic: TopicRecorder;
  let commands: ReturnType<typeof commandsOf>;
  let versions: WorkflowVersions;
  let reconciler: ConfigTopicReconciler;
  let relay: OutboxRelay | undefined;

  const latest = () => new Map(topic.json<WorkflowState>().map((m) => [m.key, m.value]));
  const outboxRows = async () => Number((await dataSource.query('SELECT count(*) AS n FROM config_outbox'))[0].n);
  const outbox = async (): Promise<{ workflow_id: string; version: number | null }[]> =>
    dataSource.query(`SELECT workflow_id, (state->>'version')::int AS version FROM config_outbox ORDER BY id`);
  const relayAll = async () => {
    relay = new OutboxRelay(dataSource, kafka, settings, testLogger('relay'), new Metrics('workflow-config'));
    relay.onApplicationBootstrap();
    await waitFor(async () => (await outboxRows()) === 0, { timeoutMs: 20_000, what: 'the outbox published' });
    await relay.onModuleDestroy();
    relay = undefined;
  };

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: serviceDatabaseUrl('WORKFLOW_CONFIG_DATABASE_URL'), schema, entities: WorkflowConfigEntities, migrations: WorkflowConfigMigrations });
    kafka = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'reconcile-int', topicPrefix: prefix, logger: testLogger('kafka') });
    await kafka.connect();
    await kafka.ensureTopics([Topics.workflowConfig, Topics.workflowEvents, Topics.configRejected]);
    topic = await new TopicRecorder(prefix, Topics.workflowConfig).start();
    commands = commandsOf(new WorkflowStore(dataSource, keyRing), TENANT);
    versions = new WorkflowVersions(dataSource);
    reconciler = new ConfigTopicReconciler(dataSource, kafka, versions, settings, testLogger('reconciler'), new Metrics('workflow-config'));
  }, 60_000);

  afterAll(async () => {
    await relay?.onModuleDestroy();
    await topic?.stop();
    await kafka?.deleteEverythingPrefixed().catch(() => undefined);
    await kafka?.disconnect();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  }, 60_000);

  it('finds nothing to do on an empty topic and database', async () => {
    expect(await reconciler.reconcile()).toEqual({ workflows: 0, messagesRead: 0, republished: 0, tombstoned: 0 });
  });

  it('republishes what the topic lost or holds stale, tombstones a stray, leaves pending and unpublishable changes alone', async () => {
    const kept = await commands.create();
    const stale = await commands.create();
    const inactive = await commands.create(workflowBody({ active: false }));
    const refused = await commands.create();
    await relayAll();
    expect(await reconciler.reconcile()).toEqual({ workflows: 4, messagesRead: 4, republished: 0, tombstoned: 0 });

    // Changes committed whose outbox rows are lost, as if their messages had been on a topic that was purged since.
    await commands.rename(stale.id, 'renamed, then lost');
    await commands.rename(refused.id, 'refused by the relay');
    await dataSource.query('DELETE FROM config_outbox');
    // The relay dead-lettered refused's latest change: republishing it would only be refused again.
    await dataSource.query(`INSERT INTO config_outbox_rejected (outbox_id, workflow_id, state, reason) SELECT 0, id, state, 'test' FROM workflows WHERE id = $1`, [refused.id]);
    // A change the relay has not published yet: the relay brings the topic up to date.
    const pending = await commands.create();
    // A state no row stands for.
    const stray = sampleWorkflowState({ tenant_id: TENANT });
    await kafka.publisher.publish(Topics.workflowConfig, [{ value: stray }]);

    expect(await reconciler.reconcile()).toEqual({ workflows: 5, messagesRead: 5, republished: 1, tombstoned: 1 });
    expect(await outbox()).toEqual([
      { workflow_id: pending.id, version: 1 },
      { workflow_id: stale.id, version: 2 },
      { workflow_id: stray.id, version: null },
    ]);

    // What the matcher should hold: the deliverable workflows, the unpublishable one left out.
    expect(await versions.deliverableAcrossTenants()).toEqual({ workflows: 3, fingerprint: fingerprintOf([kept, { id: stale.id, version: 2 }, pending]), unpublished: [refused.id] });

    await relayAll();
    await waitFor(() => latest().get(stray.id) === null && latest().get(stale.id)?.version === 2, { timeoutMs: 20_000, what: 'the repairs on the topic' });
    expect(latest().get(inactive.id)?.version).toBe(1);
    // In step again; the refused change stays left alone.
    expect(await reconciler.reconcile()).toMatchObject({ republished: 0, tombstoned: 0 });
  }, 60_000);

  it('republishes every workflow when the topic was deleted and created anew', async () => {
    const before = (await dataSource.query('SELECT count(*)::int AS n FROM workflows'))[0].n as number;
    await topic.stop();
    const admin = kafka.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [kafka.topic(Topics.workflowConfig)] });
    await waitFor(async () => !(await admin.listTopics()).includes(kafka.topic(Topics.workflowConfig)), { timeoutMs: 30_000, what: 'the topic gone' });
    await admin.disconnect();
    await kafka.ensureTopics([Topics.workflowConfig]);
    topic = await new TopicRecorder(prefix, Topics.workflowConfig).start();

    // Every row but the refused one, whose latest change can never be published.
    expect(await reconciler.reconcile()).toEqual({ workflows: before, messagesRead: 0, republished: before - 1, tombstoned: 0 });
    await relayAll();
    await waitFor(() => latest().size === before - 1, { timeoutMs: 20_000, what: 'every workflow on the new topic' });
  }, 90_000);
});
