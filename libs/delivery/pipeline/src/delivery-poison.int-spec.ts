import { DeliveryDeadLetter, newId, Topics } from '@hookstream/contracts';
import { HttpReceiver, TopicRecorder, waitFor } from '@hookstream/testing';
import { deliveryJob } from './__fixtures__/delivery-jobs';
import { DeliveryHarness } from './__fixtures__/delivery-harness';

// Poison jobs (what one tenant can make of its events and its workflow) share
// an action id, hence a partition, with other tenants' healthy jobs: the
// poison is dead-lettered with its reason and the others are delivered once.
describe('delivery with poison jobs', () => {
  let harness: DeliveryHarness;
  let rejected: TopicRecorder;
  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await new HttpReceiver().start();
    harness = await DeliveryHarness.start('delivery-poison', { RETRY_TIME_SCALE: '0.001' });
    rejected = new TopicRecorder(harness.platform.prefix, Topics.deliveryRejected);
    await rejected.start();
  }, 90_000);
  afterAll(async () => {
    await rejected?.stop();
    await receiver?.stop();
    await harness?.stop();
  });

  /** Dead letters (exhausted-jobs topic) and rejects naming the invocation. */
  const deadEnds = (invocationId: string): string[] => [
    ...harness.deadLetters
      .json<DeliveryDeadLetter>()
      .filter((m) => m.value?.job.invocation_id === invocationId)
      .map((m) => m.value?.reason ?? ''),
    ...rejected.messages.filter((m) => String(m.value).includes(invocationId)).map((m) => m.headers['dead-letter-reason'] ?? ''),
  ];

  it('dead-letters a job whose body, schedule or follow-up cannot be built, and delivers the rest of its partition once', async () => {
    const actionId = newId('wfa');
    receiver.script('/failing', { status: 500 });
    const job = (path: string, spec: Parameters<typeof deliveryJob>[0]['event'] = {}, action: Parameters<typeof deliveryJob>[0]['action'] = {}) =>
      deliveryJob({ url: receiver.url(path), actionId, event: spec, action });
    const surrogateSubject = job('/surrogate', { subject_id: 'pay_\ud800' });
    const surrogateData = job('/surrogate-data', { data: { note: 'a\udfffb', deep: { 'k\ud800': 1 } } }, { format: 'cloudevents', cloudevents_mode: 'binary' });
    // Built past the fixture's contract check: the job contract refuses such a policy, so the job is dead-lettered as it is read.
    const failing = job('/failing');
    const hugeDelay = { ...failing, action: { ...failing.action, retry_policy: [300_000_000_000_000] } };
    const header = job('/bad-header');
    const badHeader = { ...header, action: { ...header.action, headers: { 'x-tenant': 'a\u0000b' } } };
    const healthy = Array.from({ length: 6 }, (_, i) => {
      const j = job(`/healthy-${i}`, {}, { format: (['checkout', 'cloudevents', 'caf', 'mycashflow'] as const)[i % 4] });
      return { ...j, tenant_id: `tenant_${i}` };
    });
    // Raw bytes, so the test does not depend on what the contract lets a producer publish.
    for (const j of [healthy[0], surrogateSubject, healthy[1], hugeDelay, healthy[2], surrogateData, badHeader, ...healthy.slice(3)]) {
      await harness.publishRaw(actionId, JSON.stringify(j));
    }

    await waitFor(() => healthy.every((j) => harness.outcomesOf(j).some((o) => o.succeeded)) || undefined, {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'every healthy job delivered',
    });
    await waitFor(() => deadEnds(hugeDelay.invocation_id).length > 0 || undefined, { timeoutMs: 10_000, intervalMs: 100, what: 'the huge delay dead-lettered' });
    expect(deadEnds(hugeDelay.invocation_id).join()).toMatch(/retry/i);
    // Each attempt made once: no restart from an old commit re-sends anything.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (let i = 0; i < healthy.length; i++) expect(receiver.on(`/healthy-${i}`)).toHaveLength(1);
    expect(receiver.on('/failing')).toHaveLength(0);
    expect(receiver.on('/surrogate').length).toBeLessThanOrEqual(1);
    expect(receiver.on('/surrogate-data').length).toBeLessThanOrEqual(1);
    // A header no HTTP client can send fails its job at once, with the reason, and is never retried.
    expect(receiver.on('/bad-header')).toHaveLength(0);
    expect(harness.outcomesOf(badHeader).map((o) => [o.error_kind, o.final])).toEqual([['unsendable', true]]);
    expect(deadEnds(badHeader.invocation_id).join()).toContain("header 'x-tenant' holds characters HTTP cannot carry");
    // Whatever could not be sent is settled: an outcome or a dead letter says why.
    for (const poison of [surrogateSubject, surrogateData]) {
      const settled = harness.outcomesOf(poison).some((o) => o.final) || deadEnds(poison.invocation_id).length > 0;
      expect(settled).toBe(true);
    }
  }, 60_000);

  it('stores a response body holding NUL bytes and lone surrogates sanitised in its outcome', async () => {
    receiver.script('/nul', { status: 200, body: 'ok\u0000done\ud800' });
    const j = deliveryJob({ url: receiver.url('/nul') });
    await harness.publish(j);
    const [outcome] = await harness.finalOutcome(j);
    expect(outcome.succeeded).toBe(true);
    expect(outcome.response_body).not.toContain('\u0000');
    expect(outcome.response_body).toContain('done');
    expect(outcome.response_body).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  }, 30_000);
});
