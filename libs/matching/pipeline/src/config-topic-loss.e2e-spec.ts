import { DeliverableWorkflowsAnswer, MatcherApi, Topics, WorkflowConfigApi, WorkflowIndexAnswer } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { HttpReceiver, sampleAction, sampleWorkflowState, ServiceName, TestPlatform, waitFor } from '@hookstream/testing';

const ACTIVE = ['/loss-a', '/loss-b', '/loss-c'];
const INACTIVE = '/loss-inactive';

/**
 * Kafka loses everything of a deployment (a broker's data purged, a cluster
 * rebuilt): every topic and consumer group, the compacted config topic the
 * matcher's index is built from among them. Postgres keeps the workflows.
 * With no call to the Workflows API, workflow-config puts every workflow on
 * the config topic again, the matcher is not ready while its index lacks
 * them, and every workflow delivers again.
 */
describe('when Kafka loses the config topic', () => {
  const receiver = new HttpReceiver();
  // Compared every second, and a disagreement is a drift after 2 s: the stray workflow below turns readiness red soon.
  const platform = new TestPlatform({ label: 'cfgloss', env: { MATCHER_INDEX_CHECK_MS: '1000', MATCHER_INDEX_DRIFT_GRACE_MS: '2000' } });
  const workflowIds = new Map<string, string>();
  let kafka: KafkaConnection | undefined;

  const matcherIndex = async (): Promise<WorkflowIndexAnswer> => {
    const res = await platform.internal('matcher', 'GET', MatcherApi.workflowIndex.path());
    if (res.status !== 200) throw new Error(`the matcher answered ${res.status}`);
    return WorkflowIndexAnswer.parse(await res.json());
  };
  const deliverable = async (): Promise<DeliverableWorkflowsAnswer> => {
    const path = WorkflowConfigApi.deliverableWorkflows.path();
    const res = await platform.internal('workflow-config', 'GET', path, { credential: platform.credentials('matcher').sign({ method: 'GET', path }) });
    if (res.status !== 200) throw new Error(`workflow-config answered ${res.status}`);
    return DeliverableWorkflowsAnswer.parse(await res.json());
  };
  const readiness = async (service: ServiceName) => {
    const res = await fetch(`${platform.opsUrl(service)}/health/ready`);
    return { status: res.status, body: (await res.json()) as { checks: Record<string, { status: string; error?: string }> } };
  };
  /** A metric's value as the service's /metrics shows it, for the series whose labels contain `labels`. */
  const metric = async (service: ServiceName, name: string, labels = ''): Promise<number | undefined> => {
    const text = await (await fetch(`${platform.opsUrl(service)}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  /** One event matching every workflow; resolves once each active one delivered it. */
  const deliverToAll = async (subjectId: string) => {
    const before = new Map(ACTIVE.map((path) => [path, receiver.on(path).length]));
    const res = await platform.api('POST', '/events', { source: 'gateway', type: 'payment_approved', subject_id: subjectId });
    expect(res.status).toBe(202);
    await waitFor(() => ACTIVE.every((path) => receiver.on(path).length > (before.get(path) ?? 0)), { timeoutMs: 30_000, what: `${subjectId} delivered by every active workflow` });
  };

  beforeAll(async () => {
    await receiver.start();
    await platform.start();
    for (const path of [...ACTIVE, INACTIVE]) {
      const created = await platform.api('POST', '/workflows', {
        name: `loss ${path}`,
        active: path !== INACTIVE,
        conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
        actions: [{ type: 'webhook', url: receiver.url(path) }],
      });
      expect(created.status).toBe(201);
      workflowIds.set(path, created.body.id);
    }
    await waitFor(async () => (await matcherIndex()).workflows === ACTIVE.length, { what: 'the workflows in the index' });
  }, 180_000);

  afterAll(async () => {
    await kafka?.disconnect();
    await platform.stop();
    await receiver.stop();
  }, 60_000);

  it('re-publishes every workflow from Postgres; the matcher is not ready until its index holds them; every workflow delivers again', async () => {
    await deliverToAll('pay_before_loss');
    const before = await matcherIndex();
    expect(before).toMatchObject({ loaded: true, workflows: ACTIVE.length });
    expect(await deliverable()).toEqual({ workflows: ACTIVE.length, fingerprint: before.fingerprint, unpublished: [] });

    await platform.stop();
    kafka = await platform.kafka('cfgloss-purge', []);
    const lost = await kafka.deleteEverythingPrefixed();
    expect(lost.topics).toBeGreaterThan(10);
    const admin = kafka.kafka.admin();
    await admin.connect();
    await waitFor(async () => (await admin.listTopics()).every((t) => !t.startsWith(platform.prefix)), { timeoutMs: 30_000, what: 'the topics gone' });
    await admin.disconnect();

    // The matcher alone first: it loads an empty index from the new config topic, and cannot vouch for it.
    const matcherStarted = platform.service('matcher').start(120_000);
    await waitFor(async () => (await matcherIndex()).loaded, { timeoutMs: 60_000, what: 'the empty index loaded' });
    expect(await matcherIndex()).toMatchObject({ loaded: true, workflows: 0 });
    const alone = await readiness('matcher');
    expect(alone.status).toBe(503);
    expect(alone.body.checks['workflow-index-agreement']).toMatchObject({ status: 'down', error: expect.stringMatching(/not been compared/) });

    // Then the others, as a restart brings them back. Readiness is read before the index: ready at one moment means a full index then.
    const samples: { ready: boolean; workflows: number }[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const ready = (await readiness('matcher').catch(() => undefined))?.status === 200;
        const workflows = (await matcherIndex().catch(() => undefined))?.workflows;
        if (workflows !== undefined) samples.push({ ready, workflows });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const others: ServiceName[] = ['workflow-config', 'gateway', 'event-ingest', 'delivery', 'projection'];
    await Promise.all(others.map((name) => platform.service(name).start(120_000)));
    await matcherStarted;
    watching = false;
    await watch;

    expect(samples.filter((s) => s.ready && s.workflows < ACTIVE.length)).toEqual([]);
    expect(samples.some((s) => !s.ready && s.workflows === 0)).toBe(true);
    expect(await matcherIndex()).toEqual(before);
    // Every workflow, the inactive one too, was put on the outbox again, by workflow-config on its own.
    expect(await metric('workflow-config', 'config_topic_repairs_total', 'kind="republished"')).toBe(ACTIVE.length + 1);
    expect(await metric('matcher', 'matcher_index_workflows_missing')).toBe(0);

    await deliverToAll('pay_after_loss');
    expect(receiver.on(INACTIVE)).toEqual([]);
  }, 240_000);

  it('shows a stray workflow on the topic as drift, not ready past the grace, until workflow-config tombstones it', async () => {
    kafka ??= await platform.kafka('cfgloss-stray', [Topics.workflowConfig]);
    // A state no database row stands for: what a database restored from an older backup leaves on the topic.
    const stray = sampleWorkflowState({ tenant_id: platform.tenantId, actions: [sampleAction({ url: receiver.url('/loss-stray') })] });
    await kafka.publisher.publish(Topics.workflowConfig, [{ value: stray }]);
    await waitFor(async () => (await metric('matcher', 'matcher_index_workflows_missing')) === -1, { timeoutMs: 20_000, what: 'the drift in the gauge' });
    await waitFor(async () => (await readiness('matcher')).status === 503, { timeoutMs: 20_000, what: 'the matcher not ready past the grace' });
    expect((await readiness('matcher')).body.checks['workflow-index-agreement'].error).toMatch(/holds 4 deliverable workflows .*workflow-config 3/);

    // workflow-config compares at start (and every CONFIG_TOPIC_CHECK_MS): a restart takes the stray off.
    await platform.service('workflow-config').stop();
    await platform.service('workflow-config').start();
    await waitFor(async () => (await readiness('matcher')).status === 200, { timeoutMs: 30_000, what: 'the matcher ready again' });
    expect(await metric('workflow-config', 'config_topic_repairs_total', 'kind="tombstoned"')).toBe(1);
    expect(await matcherIndex()).toMatchObject({ workflows: ACTIVE.length });
    expect(await metric('matcher', 'matcher_index_workflows_missing')).toBe(0);
  }, 120_000);
});
