import { CanonicalEvent, Contracts, DeliveryJob, newId, Topics, WorkflowState } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { DeadLetterHeaders } from '@hookstream/messaging';
import { sampleWorkflowState, TestPlatform, testLogger, TopicRecorder, waitFor } from '@hookstream/testing';

const TENANT = 'ten_e2e';

const workflowState = (overrides: Parameters<typeof sampleWorkflowState>[0] = {}) => sampleWorkflowState({ tenant_id: TENANT, ...overrides });

describe('event-ingest and matcher against the real broker and Postgres', () => {
  const platform = new TestPlatform({ label: 'match', services: ['event-ingest', 'matcher'], env: { INGEST_DEFAULT_TENANT: TENANT } });
  let kafka: KafkaConnection;
  let jobs: TopicRecorder;
  let events: TopicRecorder;
  let rejected: TopicRecorder;
  const approved = workflowState();

  const jobsFor = (subjectId: string) => jobs.json<DeliveryJob>().filter((j) => j.value?.event.subject_id === subjectId).map((j) => j.value as DeliveryJob);
  const eventsFor = (subjectId: string) => events.json<CanonicalEvent>().filter((e) => e.value?.subject_id === subjectId);

  async function produce(value: unknown, key = 'pay_x'): Promise<void> {
    await kafka.publisher.publishEncoded(Topics.producerEvents, [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }]);
  }

  async function setWorkflow(id: string, state: WorkflowState | null): Promise<void> {
    await kafka.publisher.publish(Contracts.workflowConfig, [{ key: id, value: state }]);
  }

  beforeAll(async () => {
    kafka = new KafkaConnection({ brokers: platform.env().KAFKA_BROKERS.split(','), clientId: 'match-test', topicPrefix: platform.prefix, logger: testLogger() });
    await kafka.connect();
    await kafka.ensureTopics([Topics.workflowConfig, Topics.producerEvents, Topics.events, Topics.deliveryJobs, Topics.ingestDeadLetter]);
    // The config topic holds a workflow before the matcher first starts: it must load it.
    await setWorkflow(approved.id, approved);
    jobs = await new TopicRecorder(platform.prefix, Topics.deliveryJobs).start();
    events = await new TopicRecorder(platform.prefix, Topics.events).start();
    rejected = await new TopicRecorder(platform.prefix, Topics.ingestDeadLetter).start();
    await platform.start();
  }, 120_000);

  afterAll(async () => {
    await platform.stop();
    await Promise.all([jobs?.stop(), events?.stop(), rejected?.stop(), kafka?.disconnect()]);
  }, 60_000);

  it('turns a producer event from Kafka into exactly one job per matching action', async () => {
    await produce({ id: 'kafka-1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_kafka1', data: { amount: 10 } }, 'pay_kafka1');
    await produce({ id: 'kafka-2', source: 'gateway', type: 'payment_declined', subject_id: 'pay_kafka2' }, 'pay_kafka2');
    await waitFor(() => jobsFor('pay_kafka1').length === 1, { what: 'the job for pay_kafka1' });
    await waitFor(() => eventsFor('pay_kafka2').length === 1, { what: 'the declined event' });
    const [job] = jobsFor('pay_kafka1');
    expect(job).toMatchObject({ tenant_id: TENANT, workflow_id: approved.id, attempt: 1, target_url: 'https://merchant.example/webhooks' });
    expect(job.action.id).toBe(approved.actions[0].id);
    expect(job.event).toMatchObject({ source: 'gateway', type: 'payment_approved', data: { amount: 10 }, metadata: { producer_id: 'kafka-1' } });
    expect(job.event.id).toMatch(/^evt_/);
    // The declined event matched nothing: an event, no job.
    expect(jobsFor('pay_kafka2')).toEqual([]);
  });

  it('ingests over HTTP, and a duplicate producer id yields the same event and no second job, also after a restart', async () => {
    const body = { id: 'http-1', source: 'gateway', type: 'payment_approved', subject_id: 'pay_http1', metadata: { webhookUrl: 'https://caf.example/cb' } };
    const post = () =>
      fetch(`${platform.url('event-ingest')}/internal/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hookstream-tenant': TENANT },
        body: JSON.stringify(body),
      });
    const first = await post();
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    await waitFor(() => jobsFor('pay_http1').length === 1, { what: 'the HTTP event job' });
    expect(jobsFor('pay_http1')[0].target_url).toBe('https://caf.example/cb');

    const again = await post();
    expect(await again.json()).toMatchObject({ id });
    await platform.service('event-ingest').stop();
    await platform.service('event-ingest').start();
    await produce({ ...body }, 'pay_http1');
    const afterRestart = await post();
    expect(await afterRestart.json()).toMatchObject({ id });

    // A later event proves the pipeline moved past the duplicates.
    await produce({ id: 'http-2', source: 'gateway', type: 'payment_approved', subject_id: 'pay_http2' }, 'pay_http2');
    await waitFor(() => jobsFor('pay_http2').length === 1, { what: 'the event after the duplicates' });
    expect(eventsFor('pay_http1')).toHaveLength(1);
    expect(jobsFor('pay_http1')).toHaveLength(1);
  }, 90_000);

  it('answers 422 with error codes for an invalid HTTP event', async () => {
    const res = await fetch(`${platform.url('event-ingest')}/internal/events/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hookstream-tenant': TENANT },
      body: JSON.stringify([{ source: 'gateway', type: 'payment_approved', subject_id: 'pay_ok' }, { source: 'gateway', timestamp: 'noon' }]),
    });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error_type: 'request_invalid', error_codes: expect.arrayContaining(['type_required', 'subject_id_required', 'timestamp_invalid']) });
  });

  it('dead-letters an invalid Kafka event with its reason and original bytes, and processes the next', async () => {
    await produce('{"source": "gateway", "type": 42}', 'pay_bad');
    await produce({ id: 'after-bad', source: 'gateway', type: 'payment_approved', subject_id: 'pay_afterbad' }, 'pay_afterbad');
    await waitFor(() => jobsFor('pay_afterbad').length === 1, { what: 'the event after the bad one' });
    await waitFor(() => rejected.messages.find((m) => m.key === 'pay_bad'), { what: 'the dead letter' });
    const letter = rejected.messages.find((m) => m.key === 'pay_bad')!;
    expect(String(letter.value)).toBe('{"source": "gateway", "type": 42}');
    expect(letter.headers[DeadLetterHeaders.reason]).toMatch(/type/);
    expect(letter.headers[DeadLetterHeaders.reason]).toMatch(/subject_id/);
  });

  it('follows workflow changes and deletions on the config topic', async () => {
    const changing = workflowState({ conditions: [{ id: newId('wfc'), type: 'event', events: { dispute: ['dispute_won'] } }] });
    await setWorkflow(changing.id, changing);
    const send = async (subject: string) => produce({ source: 'dispute', type: 'dispute_won', subject_id: subject }, subject);

    const t0 = Date.now();
    await waitFor(
      async () => {
        const subject = `dsp_created${Date.now()}`;
        await send(subject);
        return waitFor(() => jobsFor(subject).length === 1, { timeoutMs: 2000 }).then(() => true, () => false);
      },
      { timeoutMs: 20_000, what: 'the created workflow to match' },
    );
    process.stdout.write(`workflow created -> matching jobs after ${Date.now() - t0} ms\n`);

    await setWorkflow(changing.id, { ...changing, version: 2, active: false });
    await waitFor(
      async () => {
        const subject = `dsp_inactive${Date.now()}`;
        await send(subject);
        await waitFor(() => eventsFor(subject).length === 1);
        await new Promise((r) => setTimeout(r, 300));
        return jobsFor(subject).length === 0;
      },
      { timeoutMs: 20_000, what: 'the deactivated workflow to stop matching' },
    );

    await setWorkflow(changing.id, { ...changing, version: 3 });
    await setWorkflow(changing.id, null);
    await waitFor(
      async () => {
        const subject = `dsp_deleted${Date.now()}`;
        await send(subject);
        await waitFor(() => eventsFor(subject).length === 1);
        await new Promise((r) => setTimeout(r, 300));
        return jobsFor(subject).length === 0;
      },
      { timeoutMs: 20_000, what: 'the deleted workflow to stop matching' },
    );
  }, 90_000);

  it('rebuilds the same index when the matcher restarts from nothing', async () => {
    await platform.service('matcher').kill();
    await platform.service('matcher').start();
    await produce({ source: 'gateway', type: 'payment_approved', subject_id: 'pay_rebuilt' }, 'pay_rebuilt');
    await produce({ source: 'dispute', type: 'dispute_won', subject_id: 'dsp_rebuilt' }, 'dsp_rebuilt');
    await waitFor(() => jobsFor('pay_rebuilt').length >= 1, { timeoutMs: 30_000, what: 'a job after the restart' });
    await waitFor(() => eventsFor('dsp_rebuilt').length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(jobsFor('pay_rebuilt')[0].workflow_id).toBe(approved.id);
    expect(jobsFor('dsp_rebuilt')).toEqual([]);
  }, 90_000);
});
