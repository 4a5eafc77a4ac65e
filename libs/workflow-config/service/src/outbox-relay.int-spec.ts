import { DataSource } from 'typeorm';
import { Topics, WorkflowState } from '@hookstream/contracts';
import { DeadLetterHeaders, KafkaConnection } from '@hookstream/messaging';
import { openServiceDataSource } from '@hookstream/persistence';
import { DEVELOPMENT_KEY_RING, KeyRing } from '@hookstream/secrets';
import { Metrics } from '@hookstream/service-runtime';
import { sampleWorkflowState, serviceDatabaseUrl, testInfra, testLogger, TopicRecorder, uniquePrefix, waitFor } from '@hookstream/testing';
import { DEFAULT_WORKFLOW_LIMITS, mapWorkflowSecrets, patchWorkflow } from '@hookstream/workflow-definition';
import { OutboxRelay } from './outbox.relay';
import { WorkflowEntity } from './workflow.entity';
import { WorkflowStore } from './workflow.store';
import { WorkflowConfigEntities, WorkflowConfigMigrations } from './workflow-config-service.module';

const TENANT = 'ten_outbox';

describe('config outbox relay against the real Postgres and Kafka', () => {
  const prefix = uniquePrefix('outbox');
  const schema = `${prefix.toLowerCase()}workflow_config`;
  let dataSource: DataSource;
  let kafka: KafkaConnection;
  let topic: TopicRecorder;
  let deadLetters: TopicRecorder;
  let store: WorkflowStore;
  const relays: OutboxRelay[] = [];
  const metrics = new Metrics('workflow-config');
  const keyRing = KeyRing.parse(DEVELOPMENT_KEY_RING);

  /** A relay as one service instance runs it; a new one stands for a restarted instance. */
  function startRelay(): OutboxRelay {
    const settings = { publicBaseUrl: 'http://localhost', relayIntervalMs: 50, relayBatchSize: 4, groupId: 'unused', limits: DEFAULT_WORKFLOW_LIMITS, keyRing, secretRotationGraceMs: 0 };
    const relay = new OutboxRelay(dataSource, kafka, settings, testLogger('relay'), metrics);
    relay.onApplicationBootstrap();
    relays.push(relay);
    return relay;
  }

  /** Versions the topic carries for a workflow, in topic order; null for a tombstone. */
  const versionsOf = (id: string) =>
    topic
      .json<WorkflowState>()
      .filter((m) => m.key === id)
      .map((m) => m.value?.version ?? null);
  const latestOf = (id: string) => topic.json<WorkflowState>().filter((m) => m.key === id).at(-1)?.value;
  const publishedCount = async () => (await metrics.counter('config_changes_published_total', '').get()).values[0]?.value ?? 0;
  const outboxRows = async () => Number((await dataSource.query('SELECT count(*) AS n FROM config_outbox'))[0].n);

  const rename = (id: string, name: string) =>
    store.update(id, TENANT, (s) => {
      const change = patchWorkflow(s, { name }, { now: new Date() });
      return { state: change.ok ? change.state : undefined, result: undefined };
    });

  beforeAll(async () => {
    const infra = testInfra();
    dataSource = await openServiceDataSource({ url: serviceDatabaseUrl('WORKFLOW_CONFIG_DATABASE_URL'), schema, entities: WorkflowConfigEntities, migrations: WorkflowConfigMigrations });
    kafka = new KafkaConnection({ brokers: infra.kafkaBrokers, clientId: 'outbox-int', topicPrefix: prefix, logger: testLogger('kafka') });
    await kafka.connect();
    await kafka.ensureTopics([Topics.workflowConfig, Topics.configRejected]);
    topic = await new TopicRecorder(prefix, Topics.workflowConfig).start();
    deadLetters = await new TopicRecorder(prefix, Topics.configRejected).start();
    store = new WorkflowStore(dataSource.getRepository(WorkflowEntity), keyRing);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.onModuleDestroy()));
  });

  afterAll(async () => {
    await topic?.stop();
    await deadLetters?.stop();
    await kafka?.disconnect();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  }, 30_000);

  it('publishes every committed change of a workflow in commit order, so the latest value per key is its current state', async () => {
    startRelay();
    const workflows = [sampleWorkflowState({ tenant_id: TENANT }), sampleWorkflowState({ tenant_id: TENANT }), sampleWorkflowState({ tenant_id: TENANT })];
    await Promise.all(workflows.map((w) => store.create(w)));
    // Concurrent changes of one workflow queue on its row lock: commit order is version order.
    await Promise.all(workflows.flatMap((w) => [1, 2, 3, 4, 5].map((n) => rename(w.id, `rename ${n}`))));
    const [kept, alsoKept, deleted] = workflows;
    expect(await store.delete(deleted.id, TENANT, 'workflow')).toBe(true);

    await waitFor(() => versionsOf(deleted.id).at(-1) === null && versionsOf(kept.id).length === 6 && versionsOf(alsoKept.id).length === 6, {
      timeoutMs: 20_000,
      what: 'every change on the config topic',
    });
    for (const w of [kept, alsoKept]) {
      expect(versionsOf(w.id)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(latestOf(w.id)).toEqual(await store.getSealed(w.id, TENANT));
    }
    expect(versionsOf(deleted.id)).toEqual([1, 2, 3, 4, 5, 6, null]);
    // Deleted in the transaction that published, which commits just after Kafka acknowledged.
    await waitFor(async () => (await outboxRows()) === 0, { timeoutMs: 5_000, what: 'an empty outbox' });
  }, 30_000);

  it('publishes a change committed while the relay was down once a relay runs again', async () => {
    const first = startRelay();
    const workflow = sampleWorkflowState({ tenant_id: TENANT });
    await store.create(workflow);
    await waitFor(() => versionsOf(workflow.id).length === 1, { timeoutMs: 20_000, what: 'the created workflow on the topic' });
    await first.onModuleDestroy();

    // Committed, not published: the service stops here.
    await rename(workflow.id, 'changed while the relay was down');
    const bornWhileDown = sampleWorkflowState({ tenant_id: TENANT });
    await store.create(bornWhileDown);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(versionsOf(workflow.id)).toEqual([1]);
    expect(versionsOf(bornWhileDown.id)).toEqual([]);
    expect(await outboxRows()).toBe(2);

    const publishedBefore = await publishedCount();
    startRelay();
    await waitFor(() => versionsOf(workflow.id).length === 2 && versionsOf(bornWhileDown.id).length === 1, { timeoutMs: 20_000, what: 'the outbox published after the restart' });
    expect(latestOf(workflow.id)).toMatchObject({ name: 'changed while the relay was down', version: 2 });
    expect(mapWorkflowSecrets(latestOf(bornWhileDown.id)!, (s) => keyRing.open(s))).toEqual(bornWhileDown);
    // Deleted in the transaction that published, which commits just after Kafka acknowledged.
    await waitFor(async () => (await outboxRows()) === 0, { timeoutMs: 5_000, what: 'an empty outbox' });
    expect((await publishedCount()) - publishedBefore).toBe(2);
  }, 30_000);

  it('never interleaves a workflow’s changes when two instances relay at once', async () => {
    startRelay();
    startRelay();
    const workflows = [sampleWorkflowState({ tenant_id: TENANT }), sampleWorkflowState({ tenant_id: TENANT })];
    await Promise.all(workflows.map((w) => store.create(w)));
    for (let round = 0; round < 10; round++) {
      await Promise.all(workflows.map((w) => rename(w.id, `round ${round}`)));
    }
    await waitFor(() => workflows.every((w) => versionsOf(w.id).at(-1) === 11), { timeoutMs: 20_000, what: 'version 11 of both workflows' });
    const oneToEleven = Array.from({ length: 11 }, (_, i) => i + 1);
    for (const w of workflows) expect(versionsOf(w.id)).toEqual(oneToEleven);
  }, 30_000);

  it('dead-letters a change it cannot publish (past the broker limit, or outside the contract) and publishes the changes behind it', async () => {
    const deadLettered = async () => (await metrics.counter('config_outbox_dead_lettered_total', 'Workflow changes that could never be published, moved to config_outbox_rejected', ['reason']).get()).values.reduce((n, v) => n + v.value, 0);
    startRelay();
    const before = await deadLettered();
    // Written around the API's checks, as a state stored before them could be.
    const tooLarge = sampleWorkflowState({ tenant_id: TENANT, name: 'x'.repeat(1_200_000) });
    const outsideContract = sampleWorkflowState({ tenant_id: TENANT });
    outsideContract.actions[0].retry_policy = [300_000_000_000_000];
    const behind = sampleWorkflowState({ tenant_id: TENANT });
    await store.create(tooLarge);
    await store.create(outsideContract);
    await store.create(behind);

    await waitFor(() => versionsOf(behind.id).length === 1, { timeoutMs: 10_000, what: 'the change behind the ones that cannot be published' });
    await waitFor(() => deadLetters.messages.length >= 2, { timeoutMs: 10_000, what: 'two dead letters' });
    expect(versionsOf(tooLarge.id)).toEqual([]);
    expect(versionsOf(outsideContract.id)).toEqual([]);
    const letterOf = (id: string) => deadLetters.messages.find((m) => m.key === id);
    expect(letterOf(tooLarge.id)?.headers[DeadLetterHeaders.reason]).toMatch(/past 524288 bytes/);
    // Too big to carry: the state stays in config_outbox_rejected alone.
    expect(letterOf(tooLarge.id)?.value).toBeNull();
    expect(letterOf(outsideContract.id)?.headers[DeadLetterHeaders.reason]).toMatch(/retry_policy/);
    // The one that fits carries its state, for an operator to see and fix.
    expect(JSON.parse(String(letterOf(outsideContract.id)?.value))).toMatchObject({ id: outsideContract.id });
    // Deleted in the transaction that published, which commits just after Kafka acknowledged.
    await waitFor(async () => (await outboxRows()) === 0, { timeoutMs: 5_000, what: 'an empty outbox' });
    expect((await deadLettered()) - before).toBe(2);
    const kept: { workflow_id: string; reason: string }[] = await dataSource.query('SELECT workflow_id, reason FROM config_outbox_rejected ORDER BY id');
    expect(kept.map((r) => r.workflow_id)).toEqual([tooLarge.id, outsideContract.id]);
  }, 30_000);
});
