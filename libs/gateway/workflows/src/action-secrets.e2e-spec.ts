import { execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { DelayTiers, Topics, TopicSpec } from '@hookstream/contracts';
import type { ConsumedMessage, KafkaConnection } from '@hookstream/messaging';
import { SEALED_PREFIX } from '@hookstream/secrets';
import { HttpReceiver, SERVICE_NAMES, testInfra, TestPlatform, uniquePrefix, waitFor } from '@hookstream/testing';

/** Every topic the platform writes, retry tiers included. */
const ALL_TOPICS: readonly TopicSpec[] = [...Object.values(Topics), ...DelayTiers];
const GRACE_HOURS = 0.002; // 7.2 s

/**
 * Secrets (a signing key, the whsec_ secret, custom header values) are
 * sealed from the moment workflow-config stores them until delivery signs
 * and sends: neither a topic nor Postgres nor a log line holds them in
 * clear. And a tenant reads and rotates its whsec_ secrets.
 */
describe('webhook secrets', () => {
  const receiver = new HttpReceiver();
  // Breakers are per origin: the failing endpoint gets its own, so its open breaker cannot hold the other tests' deliveries.
  const failingReceiver = new HttpReceiver();
  const platform = new TestPlatform({ label: 'secrets', env: { RETRY_TIME_SCALE: '0.001', WEBHOOK_SECRET_ROTATION_GRACE_HOURS: String(GRACE_HOURS) } });
  const dumped: ConsumedMessage<Buffer | null>[] = [];
  let kafka: KafkaConnection;

  /** Publishes new events until `arrived` holds (the matcher loads a new workflow or version asynchronously). */
  async function publishUntil(arrived: () => boolean, what: string): Promise<void> {
    await waitFor(
      async () => {
        const res = await platform.api('POST', '/events', { source: 'gateway', type: 'payment_approved', subject_id: `pay_${randomBytes(8).toString('hex')}`, data: { amount: 100 } });
        expect(res.status).toBe(202);
        return waitFor(arrived, { timeoutMs: 3_000 }).catch(() => false);
      },
      { timeoutMs: 45_000, what },
    );
  }

  async function createWorkflow(action: Record<string, unknown>): Promise<{ workflowId: string; actionId: string }> {
    const created = await platform.api('POST', '/workflows', {
      name: 'secrets',
      conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
      actions: [{ type: 'webhook', ...action }],
    });
    expect(created.status).toBe(201);
    const workflow = await platform.api('GET', `/workflows/${created.body.id}`);
    return { workflowId: created.body.id, actionId: workflow.body.actions[0].id };
  }

  beforeAll(async () => {
    await receiver.start();
    await failingReceiver.start();
    await platform.start();
    // One consumer over every topic, from the beginning: what anyone with read access to the cluster could see.
    kafka = await platform.kafka('secrets-dump', ALL_TOPICS);
    const consumer = kafka.consumer<Buffer | null>({
      groupId: uniquePrefix('dump'),
      topics: ALL_TOPICS,
      fromBeginning: true,
      handle: async (messages) => {
        dumped.push(...messages);
      },
    });
    await consumer.start();
    await consumer.whenJoined();
  }, 180_000);

  afterAll(async () => {
    await kafka?.disconnect();
    await platform.stop();
    await receiver.stop();
    await failingReceiver.stop();
  }, 60_000);

  it('no topic, no Postgres schema and no log line holds a signing key, whsec_ secret or header value in clear', async () => {
    const headerValue = `hdr-${randomBytes(8).toString('hex')}`;
    const signingKey = `key-${randomBytes(8).toString('hex')}`;
    failingReceiver.script('/failing', { status: 500 });
    const { workflowId, actionId } = await createWorkflow({
      url: failingReceiver.url('/failing'),
      headers: { 'X-Api-Key': headerValue },
      signature: { method: 'HMACSHA256', key: signingKey },
      // Two retries through the delay tiers, then a dead letter.
      retry_policy: [1_000, 1_000],
    });
    const whsec = (await platform.api('GET', `/workflows/${workflowId}/actions/${actionId}/secret`)).body.secret as string;
    expect(whsec).toMatch(/^whsec_/);

    await publishUntil(() => failingReceiver.on('/failing').length > 0, 'a first attempt');
    const sent = failingReceiver.on('/failing')[0];
    // Delivery opened them: the receiver gets the header and both signatures.
    expect(sent.headers['x-api-key']).toBe(headerValue);
    expect(sent.headers['cko-signature']).toBe(createHmac('sha256', signingKey).update(sent.rawBody).digest('hex'));
    expect(() => new Webhook(whsec).verify(sent.rawBody, sent.headers)).not.toThrow();

    const topicsWith = (text: string) => new Set(dumped.filter((m) => m.value?.toString('utf8').includes(text)).map((m) => m.topic));
    const name = (spec: TopicSpec) => kafka.topic(spec);
    await waitFor(() => topicsWith(actionId).has(name(Topics.deliveryExhausted)), { timeoutMs: 60_000, what: 'the exhausted job as a dead letter' });

    // What carries the action carries its secrets sealed: the config topic, the jobs, a retry tier, the dead letter.
    const sealedIn = topicsWith(SEALED_PREFIX);
    for (const spec of [Topics.workflowConfig, Topics.deliveryJobs, DelayTiers[0], Topics.deliveryExhausted]) expect(sealedIn).toContain(name(spec));

    const secrets = [headerValue, signingKey, whsec, whsec.slice('whsec_'.length)];
    const inClear = (text: string) => secrets.filter((secret) => text.includes(secret));
    for (const message of dumped) {
      const text = [message.key ?? '', message.value?.toString('utf8') ?? '', ...Object.values(message.headers)].join('\n');
      expect({ topic: message.topic, offset: message.offset, secrets: inClear(text) }).toEqual({ topic: message.topic, offset: message.offset, secrets: [] });
    }

    const dump = execFileSync('pg_dump', ['--dbname', testInfra().databaseUrl, '--schema', `${platform.prefix.toLowerCase()}*`], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    // The dump holds the workflow, its sealed secrets, and the attempts.
    expect(dump).toContain(workflowId);
    expect(dump).toContain(SEALED_PREFIX);
    expect(dump).toContain(`${platform.prefix.toLowerCase()}projection`);
    expect(inClear(dump)).toEqual([]);

    for (const service of SERVICE_NAMES) expect({ service, secrets: inClear(platform.service(service).logs) }).toEqual({ service, secrets: [] });
    // Its events no longer concern the tests below.
    expect((await platform.api('DELETE', `/workflows/${workflowId}`)).status).toBe(204);
  }, 120_000);

  it('a tenant reads its whsec_ secret and rotates it: both sign during the grace period, then only the new one', async () => {
    receiver.script('/rotating', { status: 200 });
    const { workflowId, actionId } = await createWorkflow({ url: receiver.url('/rotating') });
    const secretPath = `/workflows/${workflowId}/actions/${actionId}/secret`;
    const read = await platform.api('GET', secretPath);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ secret: expect.stringMatching(/^whsec_/) });
    const old = read.body.secret as string;

    const rotated = await platform.api('POST', `${secretPath}/rotate`);
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(rotated.body).toEqual({ secret: expect.stringMatching(/^whsec_/), previous_secret: old, previous_secret_expires_at: expect.any(String) });
    expect(fresh).not.toBe(old);
    expect((await platform.api('GET', secretPath)).body).toEqual(rotated.body);
    const graceEnds = Date.parse(rotated.body.previous_secret_expires_at);

    const signatures = (path: string) => receiver.on(path).at(-1)?.headers['webhook-signature'].split(' ') ?? [];
    await publishUntil(() => signatures('/rotating').length === 2, 'a delivery signed by both secrets');
    const during = receiver.on('/rotating').at(-1)!;
    expect(during.receivedAt).toBeLessThan(graceEnds);
    expect(() => new Webhook(old).verify(during.rawBody, during.headers)).not.toThrow();
    expect(() => new Webhook(fresh).verify(during.rawBody, during.headers)).not.toThrow();

    await waitFor(() => Date.now() > graceEnds, { timeoutMs: GRACE_HOURS * 3_600_000 + 5_000, what: 'the end of the grace period' });
    expect((await platform.api('GET', secretPath)).body).toEqual({ secret: fresh });
    const count = receiver.on('/rotating').length;
    await publishUntil(() => receiver.on('/rotating').length > count, 'a delivery after the grace period');
    const after = receiver.on('/rotating').at(-1)!;
    expect(signatures('/rotating')).toHaveLength(1);
    expect(() => new Webhook(fresh).verify(after.rawBody, after.headers)).not.toThrow();
    expect(() => new Webhook(old).verify(after.rawBody, after.headers)).toThrow();

    // An action the workflow does not have is not found.
    expect((await platform.api('POST', `/workflows/${workflowId}/actions/wfa_${'a'.repeat(26)}/secret/rotate`)).status).toBe(404);
  }, 120_000);

  it('a subscription’s secret reads and rotates the same way', async () => {
    const created = await platform.api('POST', '/api/v1/webhooks', { topic: 'order.created', expands: [], url: receiver.url('/subscription') });
    expect(created.status).toBe(201);
    const { uuid, secret } = created.body.data;
    expect((await platform.api('GET', `/api/v1/webhooks/${uuid}/secret`)).body).toEqual({ secret });
    const rotated = await platform.api('POST', `/api/v1/webhooks/${uuid}/secret/rotate`);
    expect(rotated.body).toMatchObject({ secret: expect.stringMatching(/^whsec_/), previous_secret: secret });
    expect((await platform.api('GET', `/api/v1/webhooks/00000000-0000-4000-8000-000000000000/secret`)).status).toBe(404);
  }, 60_000);
});
