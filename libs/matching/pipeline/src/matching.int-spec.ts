import { CanonicalEvent, DeliveryJob, deterministicId, MatcherApi, newId, ReflowRequest, Topics, WorkflowIndexAnswer, WorkflowState } from '@hookstream/contracts';
import { DeadLetterHeaders, KafkaConnection } from '@hookstream/messaging';
import { sampleAction, sampleWorkflowState, TestPlatform, TopicRecorder, waitFor } from '@hookstream/testing';

const TENANT = 'ten_match';

const workflowState = (overrides: Parameters<typeof sampleWorkflowState>[0] = {}) => sampleWorkflowState({ tenant_id: TENANT, ...overrides });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('event-ingest and matcher against the real broker and Postgres', () => {
  // workflow-config serves the event-type catalog ingest checks events against.
  // Workflows go straight to the config topic here, so it is no copy of workflow-config's database: neither side compares.
  const platform = new TestPlatform({
    label: 'match',
    services: ['event-ingest', 'matcher', 'workflow-config'],
    env: { INGEST_DEFAULT_TENANT: TENANT, CONFIG_TOPIC_CHECK_MS: '0', MATCHER_INDEX_CHECK_MS: '0' },
  });
  let kafka: KafkaConnection;
  let jobs: TopicRecorder;
  let events: TopicRecorder;
  let ingestRejected: TopicRecorder;
  let matcherRejected: TopicRecorder;

  // Seeded on the config topic before the matcher first starts: it must load them.
  const approved = workflowState({
    subscription: { uuid: '3f1c2a4e-8b7d-4c1a-9e2f-5a6b7c8d9e0f', topic: 'payment_approved', expands: [] },
    actions: [sampleAction(), sampleAction({ url: 'https://second.example/hook' }), sampleAction({ disabled_at: new Date().toISOString(), disabled_reason: '410 Gone' })],
  });
  const forEntity = workflowState({ conditionBodies: [{ type: 'event', events: { gateway: ['payment_approved'] } }, { type: 'entity', entities: ['ent_one'] }] });
  const forChannel = workflowState({ conditionBodies: [{ type: 'processing_channel', processing_channels: ['pc_other'] }] });
  const inactive = workflowState({ active: false });
  const otherTenant = sampleWorkflowState({ tenant_id: 'ten_other' });
  const declined = workflowState({ conditionBodies: [{ type: 'event', events: { gateway: ['payment_declined'] } }] });

  const jobsFor = (subjectId: string) =>
    jobs
      .json<DeliveryJob>()
      .filter((j) => j.value?.event.subject_id === subjectId)
      .map((j) => ({ ...(j.value as DeliveryJob), key: j.key }));
  const eventsFor = (subjectId: string) => events.json<CanonicalEvent>().filter((e) => e.value?.subject_id === subjectId);
  const pairs = (list: DeliveryJob[]) => list.map((j) => `${j.workflow_id}/${j.action.id}`).sort();
  const indexState = async () => WorkflowIndexAnswer.parse(await (await platform.internal('matcher', 'GET', MatcherApi.workflowIndex.path())).json());

  async function produce(value: unknown, key: string): Promise<void> {
    await kafka.publisher.publishEncoded(Topics.producerEvents, [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }]);
  }

  async function setWorkflow(id: string, state: WorkflowState | null): Promise<void> {
    await kafka.publisher.publish(Topics.workflowConfig, [state === null ? { tombstone: id } : { value: state }]);
  }

  /** Sends fresh events until `holds` is true for one of them; answers how long the change took to show. */
  async function untilNextEvent(label: string, send: (subject: string) => Promise<void>, holds: (subject: string) => boolean): Promise<number> {
    const started = Date.now();
    await waitFor(
      async () => {
        const subject = `${label}${Date.now()}`;
        await send(subject);
        await waitFor(() => eventsFor(subject).length === 1);
        // Jobs follow their event within milliseconds; give them a moment before judging.
        await pause(300);
        return holds(subject);
      },
      { timeoutMs: 20_000, what: label },
    );
    return Date.now() - started;
  }

  beforeAll(async () => {
    kafka = await platform.kafka('match-test', [Topics.workflowConfig, Topics.producerEvents, Topics.events, Topics.deliveryJobs, Topics.ingestRejected, Topics.matcherRejected, Topics.reflowRequests]);
    for (const w of [approved, forEntity, forChannel, inactive, otherTenant, declined]) await setWorkflow(w.id, w);
    jobs = await new TopicRecorder(platform.prefix, Topics.deliveryJobs).start();
    events = await new TopicRecorder(platform.prefix, Topics.events).start();
    ingestRejected = await new TopicRecorder(platform.prefix, Topics.ingestRejected).start();
    matcherRejected = await new TopicRecorder(platform.prefix, Topics.matcherRejected).start();
    await platform.start();
    // The backlog test's own event type, added to the catalog and known to ingest before any test runs.
    await platform.internal('workflow-config', 'POST', '/internal/event-types', { body: { id: 'backlog', events: [{ id: 'filled' }] } });
    const backlogEvent = JSON.stringify({ source: 'backlog', type: 'filled', subject_id: 'blk_catalog' });
    const accepted = async () =>
      (await platform.internal('event-ingest', 'POST', '/internal/events', { tenantId: TENANT, body: backlogEvent })).status === 202;
    await waitFor(accepted, { what: 'ingest to know the backlog event type' });
  }, 120_000);

  afterAll(async () => {
    await platform.stop();
    await Promise.all([jobs?.stop(), events?.stop(), ingestRejected?.stop(), matcherRejected?.stop(), kafka?.disconnect()]);
  }, 60_000);

  it('loads the config topic before it is ready', async () => {
    // Every deliverable workflow, of every tenant: all seeded but the inactive one.
    expect(await indexState()).toMatchObject({ loaded: true, workflows: 5 });
  });

  it('turns a producer event from Kafka into exactly one job per enabled action of each matching workflow', async () => {
    await produce({ id: 'kafka-1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_kafka1', entity_id: 'ent_one', data: { amount: 10 } }, 'pay_kafka1');
    await produce({ id: 'kafka-2', source: 'gateway', type: 'payment_refunded', subject_id: 'pay_kafka2' }, 'pay_kafka2');
    await waitFor(() => jobsFor('pay_kafka1').length >= 3, { what: 'the jobs for pay_kafka1' });
    await waitFor(() => eventsFor('pay_kafka2').length === 1, { what: 'the refunded event' });
    await pause(300);
    const got = jobsFor('pay_kafka1');
    expect(pairs(got)).toEqual(
      [`${approved.id}/${approved.actions[0].id}`, `${approved.id}/${approved.actions[1].id}`, `${forEntity.id}/${forEntity.actions[0].id}`].sort(),
    );
    const first = got.find((j) => j.action.id === approved.actions[0].id)!;
    expect(first).toMatchObject({
      key: approved.actions[0].id,
      invocation_id: deterministicId('ivc', first.event.id, approved.id, approved.actions[0].id),
      tenant_id: TENANT,
      workflow_version: approved.version,
      subscription: approved.subscription,
      attempt: 1,
    });
    expect(first.reflow).toBeUndefined();
    expect(first.event).toMatchObject({ source: 'gateway', type: 'payment_approved', entity_id: 'ent_one', data: { amount: 10 }, metadata: { producer_id: 'kafka-1' } });
    expect(got.find((j) => j.action.id === approved.actions[1].id)?.action.url).toBe('https://second.example/hook');
    // The refunded event matched nothing: an event, no job.
    expect(jobsFor('pay_kafka2')).toEqual([]);
  });

  it('ingests over HTTP with a per-event URL override, and a duplicate producer id yields no second event or job', async () => {
    const body = { id: 'http-1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_http1', metadata: { webhookUrl: 'https://caf.example/cb' } };
    const post = () => platform.internal('event-ingest', 'POST', '/internal/events', { tenantId: TENANT, body });
    const first = await post();
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    await waitFor(() => jobsFor('pay_http1').length === 2, { what: 'the HTTP event jobs' });
    expect(jobsFor('pay_http1').map((j) => j.event.metadata.webhook_url)).toEqual(['https://caf.example/cb', 'https://caf.example/cb']);
    expect(jobsFor('pay_http1')[0].event.id).toBe(id);

    expect(await (await post()).json()).toMatchObject({ id });
    await produce({ ...body }, 'pay_http1');
    // A later event on the same subject proves the duplicates went through the pipeline.
    await produce({ source: 'gateway', type: 'payment_approved', subject_id: 'pay_http1' }, 'pay_http1');
    await waitFor(() => jobsFor('pay_http1').length === 4, { what: 'the event after the duplicates' });
    await pause(300);
    expect(eventsFor('pay_http1')).toHaveLength(2);
    expect(jobsFor('pay_http1').filter((j) => j.event.id === id)).toHaveLength(2);
  });

  it('dead-letters an invalid producer event with its reason, and matches the next', async () => {
    await produce('{"source": "gateway", "type": 42}', 'pay_bad');
    await produce({ id: 'after-bad', source: 'gateway', type: 'payment_approved', subject_id: 'pay_afterbad' }, 'pay_afterbad');
    await waitFor(() => jobsFor('pay_afterbad').length === 2, { what: 'the jobs after the bad one' });
    await waitFor(() => ingestRejected.messages.find((m) => m.key === 'pay_bad'), { what: 'the dead letter' });
    const letter = ingestRejected.messages.find((m) => m.key === 'pay_bad')!;
    expect(String(letter.value)).toBe('{"source": "gateway", "type": 42}');
    expect(letter.headers[DeadLetterHeaders.reason]).toMatch(/type/);
    expect(letter.headers[DeadLetterHeaders.reason]).toMatch(/subject_id/);
  });

  it('follows workflow creation, change, deactivation and deletion on the config topic for the next event', async () => {
    const changing = workflowState({ conditionBodies: [{ type: 'event', events: { dispute: ['dispute_won'] } }] });
    const send = (type: string) => async (subject: string) => produce({ source: 'dispute', type, subject_id: subject }, subject);
    const jobsOf = (subject: string) => jobsFor(subject).filter((j) => j.workflow_id === changing.id);

    await setWorkflow(changing.id, changing);
    const created = await untilNextEvent('dsp_created', send('dispute_won'), (s) => jobsOf(s).length === 1);
    const v2 = { ...changing, version: 2, conditions: [{ id: newId('wfc'), type: 'event' as const, events: { dispute: ['dispute_lost'] } }] };
    await setWorkflow(changing.id, v2);
    const changed = await untilNextEvent('dsp_changed', send('dispute_lost'), (s) => jobsOf(s).length === 1 && jobsOf(s)[0].workflow_version === 2);
    await setWorkflow(changing.id, { ...v2, version: 3, active: false });
    const deactivated = await untilNextEvent('dsp_inactive', send('dispute_lost'), (s) => jobsFor(s).length === 0);
    await setWorkflow(changing.id, { ...v2, version: 4 });
    const reactivated = await untilNextEvent('dsp_active', send('dispute_lost'), (s) => jobsOf(s).length === 1 && jobsOf(s)[0].workflow_version === 4);
    await setWorkflow(changing.id, null);
    const deleted = await untilNextEvent('dsp_deleted', send('dispute_lost'), (s) => jobsFor(s).length === 0);
    process.stdout.write(`config change -> next event's jobs: created ${created} ms, changed ${changed} ms, deactivated ${deactivated} ms, reactivated ${reactivated} ms, deleted ${deleted} ms (each includes a 300 ms settle)\n`);
  }, 90_000);

  it('re-matches reflow requests and test samples (named workflows only), with the invocation ids of the live jobs', async () => {
    await produce({ source: 'gateway', type: 'payment_approved', subject_id: 'pay_reflow', entity_id: 'ent_one' }, 'pay_reflow');
    await waitFor(() => jobsFor('pay_reflow').length === 3, { what: 'the live jobs' });
    const live = jobsFor('pay_reflow');
    const request = (event: CanonicalEvent, workflowIds?: string[]): ReflowRequest => ({
      request_id: newId('cmd'),
      tenant_id: event.tenant_id,
      event,
      ...(workflowIds ? { workflow_ids: workflowIds } : {}),
      requested_at: new Date().toISOString(),
    });
    await kafka.publisher.publish(Topics.reflowRequests, [{ value: request(live[0].event, [forEntity.id]) }]);
    await waitFor(() => jobsFor('pay_reflow').length === 4, { what: 'the reflowed job' });
    const reflowed = jobsFor('pay_reflow')[3];
    expect(reflowed).toMatchObject({ reflow: true, workflow_id: forEntity.id, attempt: 1 });
    expect(reflowed.invocation_id).toBe(live.find((j) => j.workflow_id === forEntity.id)?.invocation_id);

    // A synthetic test sample for one workflow (the gateway shapes it to pass that workflow's conditions).
    const sample: CanonicalEvent = { ...live[0].event, id: newId('evt'), subject_id: 'pay_sample', metadata: { test: true } };
    await kafka.publisher.publish(Topics.reflowRequests, [{ value: request(sample, [forEntity.id]) }]);
    await waitFor(() => jobsFor('pay_sample').length === 1, { what: 'the test job' });
    await pause(300);
    const [sampleJob, ...more] = jobsFor('pay_sample');
    expect(more).toEqual([]);
    // A sample is a new event, not a reflow: its first attempt is no retry.
    expect(sampleJob).toMatchObject({ workflow_id: forEntity.id });
    expect(sampleJob.reflow).toBeUndefined();

    // A request whose tenant is not its event's is refused, not matched in either tenant.
    const crossed = { ...request({ ...live[0].event, subject_id: 'pay_crossed' }), tenant_id: 'ten_other' };
    // Laid out as no JSON.stringify would: the dead letter must carry these bytes, not a re-encoding.
    const original = JSON.stringify(crossed, null, 2);
    await kafka.publisher.publishEncoded(Topics.reflowRequests, [{ key: 'pay_crossed', value: original }]);
    await waitFor(() => matcherRejected.messages.find((m) => m.key === 'pay_crossed'), { what: 'the refused reflow' });
    const letter = matcherRejected.messages.find((m) => m.key === 'pay_crossed');
    expect(letter?.headers[DeadLetterHeaders.reason]).toMatch(/is not the event's tenant/);
    expect(String(letter?.value)).toBe(original);
    expect(jobsFor('pay_crossed')).toEqual([]);
  });

  it("dead-letters an unreadable config message, and takes its workflow out of the index rather than keep a stale state", async () => {
    const broken = workflowState({ conditionBodies: [{ type: 'event', events: { dispute: ['dispute_accepted'] } }] });
    await setWorkflow(broken.id, broken);
    await untilNextEvent('dsp_broken_before', (s) => produce({ source: 'dispute', type: 'dispute_accepted', subject_id: s }, s), (s) => jobsFor(s).length === 1);
    const garbage = JSON.stringify({ ...broken, version: 2, conditions: [{ id: newId('wfc'), type: 'amount_over', amount: 100 }] });
    await kafka.publisher.publishEncoded(Topics.workflowConfig, [{ key: broken.id, value: garbage }]);
    await untilNextEvent('dsp_broken_after', (s) => produce({ source: 'dispute', type: 'dispute_accepted', subject_id: s }, s), (s) => jobsFor(s).length === 0);
    const letter = matcherRejected.messages.find((m) => m.key === broken.id);
    expect(String(letter?.value)).toBe(garbage);
    expect(letter?.headers[DeadLetterHeaders.reason]).toMatch(/conditions/);
    // Fixed by the next change.
    await setWorkflow(broken.id, { ...broken, version: 3 });
    await untilNextEvent('dsp_broken_fixed', (s) => produce({ source: 'dispute', type: 'dispute_accepted', subject_id: s }, s), (s) => jobsFor(s).length === 1);
  }, 90_000);

  it('catches up on a backlog whose events and jobs would overflow one Kafka request', async () => {
    const bulk = workflowState({ conditionBodies: [{ type: 'event', events: { backlog: ['filled'] } }] });
    await setWorkflow(bulk.id, bulk);
    await untilNextEvent('blk_probe', (s) => produce({ source: 'backlog', type: 'filled', subject_id: s }, s), (s) => jobsFor(s).length === 1);
    await Promise.all([platform.service('event-ingest').stop(), platform.service('matcher').stop()]);
    // 1,500 events of one subject (one partition): about 1.5 MB in, more as events, more again as jobs.
    const count = 1500;
    const padding = 'x'.repeat(900);
    for (let sent = 0; sent < count; sent += 500) {
      await kafka.publisher.publishEncoded(
        Topics.producerEvents,
        Array.from({ length: 500 }, (_, i) => ({ key: 'blk_bulk', value: JSON.stringify({ source: 'backlog', type: 'filled', subject_id: 'blk_bulk', data: { seq: sent + i, padding } }) })),
      );
    }
    await Promise.all([platform.service('event-ingest').start(), platform.service('matcher').start()]);
    await waitFor(() => jobsFor('blk_bulk').length >= count, { timeoutMs: 60_000, what: 'every backlog job' });
    const seqs = jobsFor('blk_bulk').map((j) => j.event.data.seq as number);
    expect(new Set(seqs).size).toBe(count);
    // One action, one partition: the jobs keep the subject's order.
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }, 120_000);

  it('rebuilds the same index when the matcher restarts from nothing', async () => {
    const before = await indexState();
    await platform.service('matcher').kill();
    await platform.service('matcher').start();
    expect(await indexState()).toEqual(before);
    await produce({ source: 'gateway', type: 'payment_approved', subject_id: 'pay_rebuilt', entity_id: 'ent_one' }, 'pay_rebuilt');
    await produce({ source: 'dispute', type: 'dispute_won', subject_id: 'dsp_rebuilt' }, 'dsp_rebuilt');
    await waitFor(() => jobsFor('pay_rebuilt').length === 3, { timeoutMs: 30_000, what: 'the jobs after the restart' });
    await waitFor(() => eventsFor('dsp_rebuilt').length === 1);
    await pause(500);
    expect(pairs(jobsFor('pay_rebuilt'))).toEqual(pairs(jobsFor('pay_kafka1')));
    expect(jobsFor('dsp_rebuilt')).toEqual([]);
  }, 90_000);
});
