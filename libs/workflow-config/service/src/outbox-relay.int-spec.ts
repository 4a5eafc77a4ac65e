import { DataSource } from 'typeorm';
import { decodeMessage, Topics, WorkflowEvent, WorkflowState } from '@hookstream/contracts';
import { DeadLetterHeaders, KafkaConnection } from '@hookstream/messaging';
import { openServiceDataSource } from '@hookstream/persistence';
import { DEVELOPMENT_KEY_RING, KeyRing, SEALED_PREFIX } from '@hookstream/secrets';
import { Metrics } from '@hookstream/service-runtime';
import { sampleWorkflowState, serviceDatabaseUrl, testInfra, testLogger, TopicRecorder, uniquePrefix, waitFor } from '@hookstream/testing';
import { DEFAULT_WORKFLOW_LIMITS, mapEventSecrets, mapWorkflowSecrets } from '@hookstream/workflow-definition';
import { commandsOf, workflowBody } from './__fixtures__/workflow-commands';
import { OutboxRelay } from './outbox.relay';
import { WorkflowStore } from './workflow.store';
import { WorkflowConfigEntities, WorkflowConfigMigrations } from './workflow-config-service.module';

const TENANT = 'ten_outbox';

describe('config outbox relay against the real Postgres and Kafka', () => {
  const prefix = uniquePrefix('outbox');
  const schema = `${prefix.toLowerCase()}workflow_config`;
  let dataSource: DataSource;
  let kafka: KafkaConnection;
  let topic: TopicRecorder;
  let recorded: TopicRecorder;
  let deadLetters: TopicRecorder;
  let commands: ReturnType<typeof commandsOf>;
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

  /** Versions of a workflow's events on the recorded topic, in topic order. */
  const eventVersionsOf = (id: string) =>
    recorded
      .json<WorkflowEvent>()
      .filter((m) => m.key === id)
      .map((m) => m.value?.version);
  const rename = (id: string, name: string) => commands.rename(id, name);
  /** A change written to the outbox around the store, as a state stored before the API's checks could be. */
  const writeAround = (state: WorkflowState) =>
    dataSource.query('INSERT INTO config_outbox (workflow_id, state) VALUES ($1, $2)', [state.id, JSON.stringify(mapWorkflowSecrets(state, (s) => keyRing.seal(s)))]);

  beforeAll(async () => {
    const infra = testInfra();
    dataSource = await openServiceDataSource({ url: serviceDatabaseUrl('WORKFLOW_CONFIG_DATABASE_URL'), schema, entities: WorkflowConfigEntities, migrations: WorkflowConfigMigrations });
    kafka = new KafkaConnection({ brokers: infra.kafkaBrokers, clientId: 'outbox-int', topicPrefix: prefix, logger: testLogger('kafka') });
    await kafka.connect();
    await kafka.ensureTopics([Topics.workflowConfig, Topics.workflowEvents, Topics.configRejected]);
    topic = await new TopicRecorder(prefix, Topics.workflowConfig).start();
    recorded = await new TopicRecorder(prefix, Topics.workflowEvents).start();
    deadLetters = await new TopicRecorder(prefix, Topics.configRejected).start();
    commands = commandsOf(new WorkflowStore(dataSource, keyRing), TENANT);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.onModuleDestroy()));
  });

  afterAll(async () => {
    await topic?.stop();
    await recorded?.stop();
    await deadLetters?.stop();
    await kafka?.disconnect();
    await dataSource?.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource?.destroy();
  }, 30_000);

  it('publishes every committed change of a workflow in commit order, so the latest value per key is its current state', async () => {
    startRelay();
    const store = new WorkflowStore(dataSource, keyRing);
    const workflows = await Promise.all([commands.create(), commands.create(), commands.create()]);
    // Concurrent changes of one workflow race for its next version; the losers decide again: commit order is version order.
    await Promise.all(workflows.flatMap((w) => [1, 2, 3, 4, 5].map((n) => rename(w.id, `rename ${n}`))));
    const [kept, alsoKept, deleted] = workflows;
    await commands.remove(deleted.id);

    await waitFor(() => versionsOf(deleted.id).at(-1) === null && versionsOf(kept.id).length === 6 && versionsOf(alsoKept.id).length === 6, {
      timeoutMs: 20_000,
      what: 'every change on the config topic',
    });
    for (const w of [kept, alsoKept]) {
      expect(versionsOf(w.id)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(eventVersionsOf(w.id)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(latestOf(w.id)).toEqual(await store.getSealed(w.id, TENANT));
    }
    expect(versionsOf(deleted.id)).toEqual([1, 2, 3, 4, 5, 6, null]);
    expect(eventVersionsOf(deleted.id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // Deleted in the transaction that published, which commits just after Kafka acknowledged.
    await waitFor(async () => (await outboxRows()) === 0, { timeoutMs: 5_000, what: 'an empty outbox' });
  }, 30_000);

  it('publishes a change committed while the relay was down once a relay runs again', async () => {
    const first = startRelay();
    const workflow = await commands.create();
    await waitFor(() => versionsOf(workflow.id).length === 1, { timeoutMs: 20_000, what: 'the created workflow on the topic' });
    await first.onModuleDestroy();

    // Committed, not published: the service stops here.
    await rename(workflow.id, 'changed while the relay was down');
    const bornWhileDown = await commands.create(workflowBody({ name: 'born while the relay was down' }));
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
    const workflows = await Promise.all([commands.create(), commands.create()]);
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
    await writeAround(tooLarge);
    await writeAround(outsideContract);
    const behind = await commands.create();

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

  it('publishes the domain events to the recorded topic with every secret sealed, each before the state it makes', async () => {
    startRelay();
    const tag = Date.now().toString(36);
    const secrets = [`hdr-${tag}`, `sig-key-${tag}`];
    const workflow = await commands.create(
      workflowBody({ actions: [{ type: 'webhook', url: 'https://merchant.example/webhooks', headers: { 'X-Api-Key': secrets[0] }, signature: { method: 'HMACSHA256', key: secrets[1] } }] }),
    );
    secrets.push(workflow.actions[0].signing_secrets[0]);
    const { state: rotated } = await commands.run(workflow.id, { type: 'rotate_secret', action_id: workflow.actions[0].id, grace_ms: 60_000 });
    secrets.push(rotated!.actions[0].signing_secrets[0]);
    await commands.run(workflow.id, { type: 'replace_action', action_id: workflow.actions[0].id, input: { ...workflow.actions[0], headers: { 'X-Api-Key': `new-${secrets[0]}` } } });
    secrets.push(`new-${secrets[0]}`);

    await waitFor(() => eventVersionsOf(workflow.id).length === 3 && versionsOf(workflow.id).length === 3, { timeoutMs: 20_000, what: 'three events and three states' });
    const messages = recorded.messages.filter((m) => m.key === workflow.id);
    const bytes = messages.map((m) => String(m.value)).join('\n');
    for (const secret of secrets) expect(bytes).not.toContain(secret);
    expect(bytes).toContain(SEALED_PREFIX);
    // Each decodes with the topic's own contract, and opens to what the tenant set.
    const events = messages.map((m) => {
      const decoded = decodeMessage(Topics.workflowEvents, m.value);
      if (!decoded.ok) throw new Error(decoded.reason);
      return mapEventSecrets(decoded.value, (s) => keyRing.open(s));
    });
    expect(events.map((e) => [e.version, e.type, e.actor, e.request_id])).toEqual([
      [1, 'workflow.created', { type: 'api_key', id: 'key_test' }, 'req-test'],
      [2, 'secret.rotated', { type: 'api_key', id: 'key_test' }, 'req-test'],
      [3, 'action.updated', { type: 'api_key', id: 'key_test' }, 'req-test'],
    ]);
    expect(events[0]).toMatchObject({ data: { actions: [{ headers: { 'X-Api-Key': secrets[0] }, signature: { key: secrets[1] }, signing_secrets: [secrets[2]] }] } });
    expect(events[1]).toMatchObject({ data: { signing_secrets: [secrets[3], secrets[2]] } });
    expect(events[2]).toMatchObject({ data: { action: { headers: { 'X-Api-Key': secrets[4] } } } });
  }, 30_000);
});
