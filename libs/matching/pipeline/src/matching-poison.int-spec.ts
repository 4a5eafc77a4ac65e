import { CanonicalEvent, DeliveryJob, newId, ReflowRequest, Topics, WorkflowState } from '@hookstream/contracts';
import { DeadLetterHeaders, KafkaConnection } from '@hookstream/messaging';
import { sampleAction, sampleCanonicalEvent, sampleWorkflowState, TestPlatform, TopicRecorder, waitFor } from '@hookstream/testing';

const TENANT = 'ten_poison';
const SUBJECT = 'pay_shared_partition';
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Events no producer should be able to use to stop the matcher: prototype
 * names where strings are looked up, and an event whose job cannot fit the
 * broker's message limit. Each is followed, on the same partition, by a
 * valid event whose jobs must still go.
 */
describe('matcher against poison events, on the real broker', () => {
  // No workflow-config: workflows go straight to the config topic, and the index is not compared with it.
  const platform = new TestPlatform({ label: 'mpoison', services: ['matcher'], env: { MATCHER_INDEX_CHECK_MS: '0' } });
  let kafka: KafkaConnection;
  let jobs: TopicRecorder;
  let rejected: TopicRecorder;

  const approved = sampleWorkflowState({ tenant_id: TENANT });
  const entityBound = sampleWorkflowState({
    tenant_id: TENANT,
    conditionBodies: [
      { type: 'event', events: { gateway: ['payment_captured'] } },
      { type: 'entity', entities: ['ent_one'] },
      { type: 'processing_channel', processing_channels: ['pc_one'] },
    ],
  });
  // A header this big is within the contract; with a big event it is not within one Kafka message.
  const heavy = sampleAction({ url: 'https://heavy.example/hook', headers: { 'X-Padding': 'h'.repeat(60_000) } });
  const light = sampleAction({ url: 'https://light.example/hook' });
  const bigEvents = sampleWorkflowState({ tenant_id: TENANT, conditionBodies: [{ type: 'event', events: { gateway: ['payment_big'] } }], actions: [heavy, light] });

  const jobsOf = (eventId: string) => jobs.json<DeliveryJob>().filter((j) => j.value?.event.id === eventId).map((j) => j.value as DeliveryJob);
  const event = (overrides: Partial<CanonicalEvent>) => sampleCanonicalEvent({ tenant_id: TENANT, subject_id: SUBJECT, ...overrides });
  const publishEvents = (events: CanonicalEvent[]) => kafka.publisher.publish(Topics.events, events.map((e) => ({ value: e })));
  const setWorkflow = (state: WorkflowState) => kafka.publisher.publish(Topics.workflowConfig, [{ value: state }]);

  beforeAll(async () => {
    kafka = await platform.kafka('match-poison-test', [Topics.workflowConfig, Topics.events, Topics.deliveryJobs, Topics.matcherRejected, Topics.reflowRequests]);
    for (const w of [approved, entityBound, bigEvents]) await setWorkflow(w);
    jobs = await new TopicRecorder(platform.prefix, Topics.deliveryJobs).start();
    rejected = await new TopicRecorder(platform.prefix, Topics.matcherRejected).start();
    await platform.start();
  }, 120_000);

  afterAll(async () => {
    await platform.stop();
    await Promise.all([jobs?.stop(), rejected?.stop(), kafka?.disconnect()]);
  }, 60_000);

  it('is ready only once its event consumer has joined: an event sent the moment it is ready is matched', async () => {
    const first = event({});
    await publishEvents([first]);
    await waitFor(() => jobsOf(first.id).length === 1, { timeoutMs: 20_000, what: 'the job of the event sent at readiness' });
  }, 30_000);

  it('neither throws nor matches on prototype names in any looked-up field, and matches the valid event behind them', async () => {
    const poison = PROTOTYPE_NAMES.flatMap((name) => [
      event({ source: name }),
      event({ type: name }),
      event({ source: name, type: name }),
      event({ type: 'payment_captured', entity_id: name, processing_channel_id: name }),
      event({ tenant_id: name }),
    ]);
    const valid = event({});
    const validWithEntity = event({ type: 'payment_captured', entity_id: 'ent_one', processing_channel_id: 'pc_one' });
    await publishEvents([...poison, valid, validWithEntity]);
    // Reflow requests naming prototype sources, restricted to known workflows or not.
    const reflow = (e: CanonicalEvent, workflowIds?: string[]): ReflowRequest => ({
      request_id: newId('cmd'),
      tenant_id: e.tenant_id,
      event: e,
      ...(workflowIds ? { workflow_ids: workflowIds } : {}),
      requested_at: new Date().toISOString(),
    });
    const reflowPoison = PROTOTYPE_NAMES.flatMap((name) => [reflow(event({ source: name })), reflow(event({ source: name, type: name }), [approved.id, entityBound.id])]);
    const reflowValid = event({});
    await kafka.publisher.publish(
      Topics.reflowRequests,
      [...reflowPoison, reflow(reflowValid, [approved.id])].map((r) => ({ value: r })),
    );

    await waitFor(() => jobsOf(valid.id).length === 1 && jobsOf(validWithEntity.id).length === 1 && jobsOf(reflowValid.id).length === 1, {
      timeoutMs: 20_000,
      what: 'the jobs of the valid events behind the prototype names',
    });
    await pause(300);
    for (const e of [...poison, ...reflowPoison.map((r) => r.event)]) expect(jobsOf(e.id)).toEqual([]);
    expect(jobsOf(valid.id)[0].workflow_id).toBe(approved.id);
    expect(jobsOf(validWithEntity.id)[0].workflow_id).toBe(entityBound.id);
  }, 40_000);

  it("dead-letters a job that cannot fit one Kafka message, with its reason and ids, while the event's other jobs and the next event go", async () => {
    // About 990,000 bytes: fits the events topic, and a job, but not with the heavy action beside it (past the broker's 1 MiB).
    const big = event({ type: 'payment_big', data: { blob: 'b'.repeat(990_000) } });
    const next = event({});
    await publishEvents([big]);
    await publishEvents([next]);

    await waitFor(() => jobsOf(next.id).length === 1, { timeoutMs: 20_000, what: 'the job of the event behind the big one' });
    await waitFor(() => rejected.messages.find((m) => m.headers['dead-letter-event-id'] === big.id), { timeoutMs: 10_000, what: 'the dead-lettered job' });
    const letter = rejected.messages.find((m) => m.headers['dead-letter-event-id'] === big.id)!;
    expect(letter.headers[DeadLetterHeaders.reason]).toMatch(/too large/);
    expect(letter.headers).toMatchObject({ 'dead-letter-workflow-id': bigEvents.id, 'dead-letter-action-id': heavy.id });
    // The light action's job still went, whole.
    await waitFor(() => jobsOf(big.id).length === 1, { timeoutMs: 10_000, what: "the big event's job that fits" });
    expect(jobsOf(big.id)[0].action.id).toBe(light.id);
    expect(jobsOf(big.id)[0].event.data).toEqual(big.data);
  }, 60_000);

  it('after a kill -9 and restart, is ready only once its group has taken it back: the next event is matched at once', async () => {
    await platform.service('matcher').kill();
    // The dead member holds its partitions until its session times out; ready must wait for that.
    await platform.service('matcher').start();
    const afterRestart = event({});
    await publishEvents([afterRestart]);
    await waitFor(() => jobsOf(afterRestart.id).length === 1, { timeoutMs: 5_000, what: 'the job of the event sent once the restarted matcher was ready' });
  }, 90_000);
});
