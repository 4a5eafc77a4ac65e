import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import {
  deeplyNested,
  HttpReceiver,
  keysCoveringPartitions,
  ReceivedRequest,
  sampleDeliveryJob,
  SERVICE_NAMES,
  TestPlatform,
  testInfra,
  testLogger,
  waitFor,
} from '@hookstream/testing';

/** How long a victim may wait after a poison: seconds, not a stall. */
const DELIVERY_BUDGET_MS = 20_000;
/** A first send and at most one repeat (a crash between send and commit): more is a loop. */
const MAX_SENDS_PER_WEBHOOK = 2;
/** How long a loop has to show itself; the fault run saw about 1,400 re-sends a second. */
const LOOP_WINDOW_MS = 2_500;

interface Tenant {
  id: string;
  key: string;
  workflowId: string;
  actionId: string;
}

/** An HTTP endpoint that answers every request with the same raw bytes, and records it. */
class RawReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;

  constructor(private readonly answer: Buffer) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests.push({
          method: req.method ?? 'POST',
          path: req.url ?? '/',
          headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
          rawBody: Buffer.concat(chunks).toString('utf8'),
          receivedAt: Date.now(),
        });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(this.answer);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}${path}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/**
 * The poison cases against the whole platform: a hostile tenant H
 * sends each poison by an ordinary way in, then a victim tenant V sends
 * valid events on every partition the poison could hold, over HTTP and
 * Kafka. V's events must arrive within seconds, nobody may get a 5xx, and
 * no webhook may be re-sent in a loop.
 */
describe('one tenant’s poison stops nobody', () => {
  const receiver = new HttpReceiver();
  const platform = new TestPlatform({ label: 'poison' });
  /** Answers a body with a NUL byte and invalid UTF-8, as a hostile receiver can. */
  const rawReceiver = new RawReceiver(Buffer.concat([Buffer.from('{"ok":"nul'), Buffer.from([0x00, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')]));
  // One subject per partition of the events topic (and of the producer topic: both have 6).
  const victimSubjects = keysCoveringPartitions('sub_victim_', Topics.events.partitions);
  const answers: { request: string; status: number }[] = [];
  let kafka: KafkaConnection;
  let hostile: Tenant;
  let victim: Tenant;
  let probes = 0;

  async function api(tenant: Pick<Tenant, 'key'>, method: string, path: string, body?: unknown) {
    const res = await platform.api(method, path, body, { authorization: `Bearer ${tenant.key}` });
    const sample = typeof body === 'string' ? ` ${body.slice(0, 120)}` : '';
    answers.push({ request: `${method} ${path.slice(0, 80)}${sample}`, status: res.status });
    return res;
  }

  async function createTenant(name: string, types: string[], path: string): Promise<Tenant> {
    const res = await fetch(`${platform.opsUrl('gateway')}/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(res.status).toBe(201);
    const { id, api_key: key } = (await res.json()) as { id: string; api_key: string };
    const created = await api({ key }, 'POST', '/workflows', {
      name: `${name} payments`,
      conditions: [{ type: 'event', events: { gateway: types } }],
      actions: [{ type: 'webhook', url: receiver.url(path) }],
    });
    expect(created.status).toBe(201);
    const workflow = await api({ key }, 'GET', `/workflows/${created.body.id}`);
    return { id, key, workflowId: created.body.id, actionId: workflow.body.actions[0].id };
  }

  async function produce(messages: { key: string; value: string }[]): Promise<void> {
    await kafka.publisher.publishEncoded(Topics.producerEvents, messages);
  }

  const bodyOf = (r: ReceivedRequest): { id?: string; data?: Record<string, unknown> } => {
    try {
      return JSON.parse(r.rawBody);
    } catch {
      return {};
    }
  };

  /**
   * V sends one valid event per partition over HTTP and as many over Kafka;
   * all must be delivered within the budget. Answers the HTTP events' ids.
   */
  async function victimStillDelivered(): Promise<string[]> {
    const probe = `probe_${++probes}`;
    const event = (subject_id: string, way: string) => ({ source: 'gateway', type: 'payment_approved', subject_id, data: { probe, way } });
    const http = await api(victim, 'POST', '/events/batch', victimSubjects.map((s) => event(s, 'http')));
    expect(http.status).toBe(202);
    await produce(victimSubjects.map((s) => ({ key: s, value: JSON.stringify({ ...event(s, 'kafka'), tenant: victim.id }) })));
    const arrived = () => receiver.on('/v').map(bodyOf).filter((b) => b.data?.probe === probe);
    await waitFor(() => arrived().length >= victimSubjects.length * 2, { timeoutMs: DELIVERY_BUDGET_MS, intervalMs: 100 }).catch(() => {
      const by = arrived().map((b) => b.data?.way);
      throw new Error(`V's events not all delivered within ${DELIVERY_BUDGET_MS} ms: ${by.length} of ${victimSubjects.length * 2} (${by.filter((w) => w === 'http').length} sent over HTTP)`);
    });
    return http.body.ids as string[];
  }

  /** webhook-ids that arrived more than MAX_SENDS_PER_WEBHOOK times, after a bounded window. */
  async function webhooksResentInALoop(): Promise<[string, number][]> {
    await new Promise((r) => setTimeout(r, LOOP_WINDOW_MS));
    const sends = new Map<string, number>();
    for (const r of [...receiver.requests, ...rawReceiver.requests]) {
      const id = r.headers['webhook-id'];
      sends.set(id, (sends.get(id) ?? 0) + 1);
    }
    return [...sends].filter(([, n]) => n > MAX_SENDS_PER_WEBHOOK);
  }

  let answersChecked = 0;
  /** 5xx answered since the last look. */
  function serverErrors(): { request: string; status: number }[] {
    const fresh = answers.slice(answersChecked);
    answersChecked = answers.length;
    return fresh.filter((a) => a.status >= 500);
  }

  /** Every way the pipeline can fail a victim, reported together: the evidence of each case. */
  async function pipelineStillFlows(): Promise<string[]> {
    const problems: string[] = [];
    const errors = serverErrors();
    if (errors.length > 0) problems.push(`5xx answered: ${JSON.stringify(errors)}`);
    let ids: string[] = [];
    try {
      ids = await victimStillDelivered();
    } catch (err) {
      problems.push((err as Error).message);
    }
    const loops = await webhooksResentInALoop();
    if (loops.length > 0) problems.push(`webhooks re-sent in a loop (webhook-id, sends): ${JSON.stringify(loops.slice(0, 5))}`);
    expect(problems).toEqual([]);
    return ids;
  }

  /**
   * Creates H's workflow with the most header bytes the API accepts (some
   * shape of count x size always fits under any sensible cap), or none.
   */
  async function workflowAtTheHeaderCaps(type: string): Promise<{ id: string; headers: Record<string, string> } | undefined> {
    const shapes = [100, 60, 30, 10, 5, 1].flatMap((count) => [10_000, 4_000, 1_000, 200].map((size) => ({ count, size }))).sort((a, b) => b.count * b.size - a.count * a.size);
    for (const { count, size } of shapes.filter(({ count, size }) => count * size <= 650_000)) {
      const headers = Object.fromEntries(Array.from({ length: count }, (_, n) => [`X-Big-${n}`, 'h'.repeat(size)]));
      const res = await api(hostile, 'POST', '/workflows', {
        name: `big headers ${type}`,
        conditions: [{ type: 'event', events: { gateway: [type] } }],
        actions: [{ type: 'webhook', url: receiver.url('/h-big'), headers }],
      });
      if (res.status === 201) return { id: res.body.id, headers };
    }
    return undefined;
  }

  beforeAll(async () => {
    await receiver.start();
    await rawReceiver.start();
    receiver.script('/h-fails', { status: 500 });
    await platform.start();
    kafka = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'poison-producer', topicPrefix: platform.prefix, logger: testLogger() });
    await kafka.connect();
    await kafka.ensureTopics([Topics.producerEvents, Topics.deliveryJobs]);
    hostile = await createTenant('hostile', ['payment_approved'], '/h');
    victim = await createTenant('victim', ['payment_approved'], '/v');
    const nul = await api(hostile, 'POST', '/workflows', {
      name: 'receiver answering NUL',
      conditions: [{ type: 'event', events: { gateway: ['payment_captured'] } }],
      actions: [{ type: 'webhook', url: rawReceiver.url('/h-nul') }],
    });
    expect(nul.status).toBe(201);
    // The matcher loads new workflows from the config topic: send until both tenants are served.
    for (const [tenant, path] of [[victim, '/v'], [hostile, '/h']] as const) {
      await waitFor(
        async () => {
          const res = await api(tenant, 'POST', '/events', { source: 'gateway', type: 'payment_approved', subject_id: 'sub_warmup', data: {} });
          return waitFor(() => receiver.on(path).map(bodyOf).some((b) => b.id === res.body.id), { timeoutMs: 3000 }).catch(() => false);
        },
        { timeoutMs: 90_000, what: `the first delivery on ${path}` },
      );
    }
  }, 240_000);

  afterAll(async () => {
    await kafka?.disconnect();
    await platform.stop();
    await receiver.stop();
    await rawReceiver.stop();
  }, 60_000);

  it('a lone surrogate in subject_id over POST /events', async () => {
    await api(hostile, 'POST', '/events', '{"source":"gateway","type":"payment_approved","subject_id":"\\ud800","data":{"amount":1}}');
    await pipelineStillFlows();
  }, 60_000);

  const CHARACTERS = [
    ['a lone high surrogate', '\\ud800'],
    ['a lone low surrogate', '\\udc00'],
    ['NUL', '\\u0000'],
  ] as const;
  /** Every string of the producer contract: each poisoned JSON text, with the subject it is keyed by. */
  const poisonedEvents = (tenant: string | undefined): { key: string; text: string }[] =>
    CHARACTERS.flatMap(([, c], n) => {
      const base = (fields: string) => `{${tenant ? `"tenant":${JSON.stringify(tenant)},` : ''}"source":"gateway","type":"payment_approved",${fields}}`;
      const subject = `sub_poison_${n}`;
      return [
        { key: `x${c}`, text: base(`"subject_id":"x${c}","data":{}`) },
        { key: subject, text: base(`"subject_id":"${subject}","id":"id${c}-${Date.now()}","data":{}`) },
        { key: subject, text: base(`"subject_id":"${subject}","entity_id":"ent${c}","data":{}`) },
        { key: subject, text: base(`"subject_id":"${subject}","processing_channel_id":"pc${c}","data":{}`) },
        { key: subject, text: base(`"subject_id":"${subject}","version":"1${c}","data":{}`) },
        { key: subject, text: base(`"subject_id":"${subject}","data":{"note":"a${c}b","nested":{"deeper":["${c}",{"x":"${c}"}]}}`) },
        { key: subject, text: base(`"subject_id":"${subject}","data":{"k${c}":1}`) },
        { key: subject, text: base(`"subject_id":"${subject}","data":{},"metadata":{"note":"${c}"}`) },
        { key: subject, text: `{${tenant ? `"tenant":${JSON.stringify(tenant)},` : ''}"source":"gateway","type":"payment_approved${c}","subject_id":"${subject}","data":{}}` },
        { key: subject, text: `{${tenant ? `"tenant":${JSON.stringify(tenant)},` : ''}"source":"gate${c}way","type":"payment_approved","subject_id":"${subject}","data":{}}` },
        {
          key: subject,
          text: `{"specversion":"1.0","id":"ce${c}-${Date.now()}","source":"gateway","type":"payment_approved","subject":"${subject}",${tenant ? `"tenant":${JSON.stringify(tenant)},` : ''}"entityid":"e${c}","data":{"v":"${c}"}}`,
        },
      ];
    });

  it('lone surrogates and NUL in every field, over POST /events and /events/batch', async () => {
    for (const { text } of poisonedEvents(undefined)) await api(hostile, 'POST', '/events', text);
    for (const { text } of poisonedEvents(undefined).filter((_, n) => n % 4 === 0)) {
      await api(hostile, 'POST', '/events/batch', `[{"source":"gateway","type":"payment_approved","subject_id":"sub_ok","data":{}},${text}]`);
    }
    await pipelineStillFlows();
  }, 90_000);

  it('lone surrogates and NUL in every field, also the tenant, published to the producer topic', async () => {
    const messages = [...poisonedEvents(hostile.id), ...CHARACTERS.map(([, c]) => ({ key: 'sub_t', text: `{"tenant":"ten${c}","source":"gateway","type":"payment_approved","subject_id":"sub_t","data":{}}` }))];
    await produce(messages.map(({ key, text }) => ({ key: JSON.parse(`"${key}"`), value: text })));
    await pipelineStillFlows();
  }, 90_000);

  it('an event nested 20,000 levels deep, over HTTP and Kafka', async () => {
    const deep = `{"source":"gateway","type":"payment_approved","subject_id":"sub_deep","data":{"deep":${deeplyNested(20_000)}}}`;
    expect(deep.length).toBeGreaterThan(100_000);
    await api(hostile, 'POST', '/events', deep);
    await api(hostile, 'POST', '/events/batch', `[${deep}]`);
    await produce([{ key: 'sub_deep', value: deep.replace('{', `{"tenant":${JSON.stringify(hostile.id)},`) }]);
    await pipelineStillFlows();
  }, 90_000);

  it('a delivery job with a due time or retry delays past what a date holds stops no delivery', async () => {
    // Jobs as a faulty or hostile producer of the jobs topic could write them, on V's partition.
    const job = sampleDeliveryJob({ event: { tenant_id: hostile.id, subject_id: 'sub_retry' }, action: { url: receiver.url('/h-fails') } });
    const poisoned = [
      { ...job, action: { ...job.action, retry_policy: [300000000000000] } },
      { ...job, action: { ...job.action, retry_policy: [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] } },
      { ...job, action: { ...job.action, retry_policy: Array.from({ length: 50 }, () => 8.64e15) } },
      { ...job, due_at: '9999-12-31T23:59:59.999Z' },
      { ...job, due_at: '+275760-09-13T00:00:00.000Z' },
      { ...job, attempt: 2 ** 31 },
      { ...job, attempt: 2, scheduled_at: '9999-12-31T23:59:59.999Z', action: { ...job.action, retry_policy: [300000000000000, 300000000000000] } },
    ].map((value, n) => ({ ...value, invocation_id: `${job.invocation_id.slice(0, -1)}${'abcdefg'[n]}` }));
    await kafka.publisher.publishEncoded(
      Topics.deliveryJobs,
      poisoned.map((value) => ({ key: victim.actionId, value: JSON.stringify(value) })),
    );
    await pipelineStillFlows();
  }, 90_000);

  it('a retry delay past what a date holds is refused by the API with retry_policy_invalid', async () => {
    for (const delays of [[300000000000000], [Number.MAX_SAFE_INTEGER], [1000, 1e20]]) {
      const absurd = { type: 'webhook', url: receiver.url('/h-fails'), retry_policy: delays };
      const replies = [
        await api(hostile, 'POST', '/workflows', { name: 'absurd retries', conditions: [{ type: 'event', events: { gateway: ['card_verified'] } }], actions: [absurd] }),
        await api(hostile, 'POST', `/workflows/${hostile.workflowId}/actions`, absurd),
        await api(hostile, 'PUT', `/workflows/${hostile.workflowId}/actions/${hostile.actionId}`, absurd),
        await api(hostile, 'PATCH', `/workflows/${hostile.workflowId}`, { actions: [absurd] }),
      ];
      expect(replies.map((res) => ({ status: res.status, codes: res.body?.error_codes }))).toEqual(
        replies.map(() => ({ status: 422, codes: expect.arrayContaining(['retry_policy_invalid']) })),
      );
    }
  }, 60_000);

  it('prototype names as source, type, subject, tenant and data keys, over HTTP and Kafka; a reflow of such subjects', async () => {
    const names = ['constructor', '__proto__', 'toString'];
    const texts = (tenant: string | undefined) =>
      names.flatMap((name) => {
        const t = tenant === undefined ? '' : `"tenant":${JSON.stringify(tenant)},`;
        return [
          { key: 'sub_proto', text: `{${t}"source":"${name}","type":"payment_approved","subject_id":"sub_proto","data":{}}` },
          { key: 'sub_proto', text: `{${t}"source":"gateway","type":"${name}","subject_id":"sub_proto","data":{}}` },
          { key: 'sub_proto', text: `{${t}"source":"${name}","type":"${name}","subject_id":"sub_proto","data":{}}` },
          { key: name, text: `{${t}"source":"gateway","type":"payment_approved","subject_id":"${name}","data":{}}` },
          { key: 'sub_proto', text: `{${t}"source":"gateway","type":"payment_approved","subject_id":"sub_proto","data":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}` },
          { key: 'sub_proto', text: `{"specversion":"1.0","id":"ce-${name}-${Date.now()}",${t}"source":"${name}","type":"${name}","subject":"sub_proto"}` },
        ];
      });
    for (const { text } of texts(undefined)) await api(hostile, 'POST', '/events', text);
    const kafkaTexts = [...texts(hostile.id), ...names.map((name) => ({ key: 'sub_proto', text: `{"tenant":"${name}","source":"gateway","type":"payment_approved","subject_id":"sub_proto","data":{}}` }))];
    await produce(kafkaTexts.map(({ key, text }) => ({ key, value: text })));

    const reflows = [
      ['/workflows/events/reflow', { subjects: ['__proto__', 'constructor'] }],
      ['/workflows/events/reflow', { subjects: ['toString'], workflows: [hostile.workflowId] }],
      ['/workflows/events/subject/__proto__/reflow', undefined],
      ['/workflows/events/subject/hasOwnProperty/reflow', undefined],
    ] as const;
    for (const [path, body] of reflows) await api(hostile, 'POST', path, body);

    // V's own reflow, on the partition of the same subject key, is still served.
    const [own] = (await api(victim, 'POST', '/events/batch', [{ source: 'gateway', type: 'payment_approved', subject_id: 'constructor', data: { own: 'reflow' } }])).body.ids;
    await waitFor(() => receiver.on('/v').some((r) => bodyOf(r).id === own), { timeoutMs: DELIVERY_BUDGET_MS, what: "V's event of subject constructor" });
    await waitFor(async () => (await api(victim, 'GET', `/workflows/events/${own}`)).status === 200, { timeoutMs: DELIVERY_BUDGET_MS, what: "V's event in the read model" });
    expect((await api(victim, 'POST', '/workflows/events/subject/constructor/reflow')).status).toBe(202);
    await waitFor(() => receiver.on('/v').filter((r) => bodyOf(r).id === own).length === 2, { timeoutMs: DELIVERY_BUDGET_MS, what: "V's reflowed delivery" });
    await pipelineStillFlows();
  }, 120_000);

  it('a receiver answering a NUL byte and invalid UTF-8: the attempt is recorded, later events still readable', async () => {
    const sent = await api(hostile, 'POST', '/events', { source: 'gateway', type: 'payment_captured', subject_id: 'sub_nul_answer', data: {} });
    expect(sent.status).toBe(202);
    await waitFor(() => rawReceiver.requests.length > 0, { timeoutMs: DELIVERY_BUDGET_MS, what: 'the delivery to the NUL-answering receiver' });
    const ids = await pipelineStillFlows();

    const attempts = await waitFor(
      async () => {
        const event = await api(hostile, 'GET', `/workflows/events/${sent.body.id}`);
        const actionId = event.body?.action_invocations?.[0]?.workflow_action_id;
        if (!actionId) return undefined;
        const res = await api(hostile, 'GET', `/workflows/events/${sent.body.id}/actions/${actionId}`);
        return res.status === 200 && res.body.action_invocations?.length > 0 ? res.body.action_invocations : undefined;
      },
      { timeoutMs: DELIVERY_BUDGET_MS, intervalMs: 200, what: "H's attempt in the read model" },
    );
    expect(attempts[0].result_details.status_code).toBe(200);
    for (const id of ids) {
      await waitFor(
        async () => {
          const res = await api(victim, 'GET', `/workflows/events/${id}`);
          return res.status === 200 && res.body.action_invocations?.[0]?.status === 'successful';
        },
        { timeoutMs: DELIVERY_BUDGET_MS, intervalMs: 200, what: `V's event ${id} and its delivery in the read model` },
      );
    }
    expect(serverErrors()).toEqual([]);
  }, 120_000);

  it('a workflow at the header caps plus the biggest event ingest takes: no stall', async () => {
    expect(await workflowAtTheHeaderCaps('payment_refunded')).toBeDefined();
    // Only a loaded workflow makes jobs: small events until one is matched (its attempt shows in the events API).
    await waitFor(
      async () => {
        const res = await api(hostile, 'POST', '/events', { source: 'gateway', type: 'payment_refunded', subject_id: 'sub_big_probe', data: {} });
        const matched = async () => ((await api(hostile, 'GET', `/workflows/events/${res.body.id}`)).body?.action_invocations?.length ?? 0) > 0;
        return waitFor(matched, { timeoutMs: 3000, intervalMs: 200 }).catch(() => false);
      },
      { timeoutMs: 45_000, what: "the matcher to serve H's big workflow" },
    );
    // The biggest event ingest takes (halving from ~500 KB), on one of V's partitions.
    for (let size = 500_000; size > 1000; size = Math.floor(size / 2)) {
      const res = await api(hostile, 'POST', '/events', { source: 'gateway', type: 'payment_refunded', subject_id: victimSubjects[0], data: { blob: 'b'.repeat(size) } });
      if (res.status === 202 || res.status >= 500) break;
    }
    await pipelineStillFlows();
  }, 120_000);

  it('a workflow grown past what one Kafka message holds: later configuration from anyone still reaches the matcher', async () => {
    const big = await workflowAtTheHeaderCaps('card_verified');
    expect(big).toBeDefined();
    // As far as the API lets it: each action as big as the first.
    for (let n = 0; n < 3; n++) {
      const res = await api(hostile, 'POST', `/workflows/${big!.id}/actions`, { type: 'webhook', url: receiver.url('/h-big'), headers: big!.headers });
      if (res.status !== 201) break;
    }
    const later = await api(victim, 'POST', '/workflows', {
      name: 'created after the oversized state',
      conditions: [{ type: 'event', events: { gateway: ['payment_voided'] } }],
      actions: [{ type: 'webhook', url: receiver.url('/v-later') }],
    });
    expect(later.status).toBe(201);
    await waitFor(
      async () => {
        await api(victim, 'POST', '/events', { source: 'gateway', type: 'payment_voided', subject_id: victimSubjects[1], data: {} });
        return waitFor(() => receiver.on('/v-later').length > 0, { timeoutMs: 3000 }).catch(() => false);
      },
      { timeoutMs: 30_000, what: "a delivery through V's workflow created after the oversized state" },
    );
    await pipelineStillFlows();
  }, 150_000);

  it('after every poison, the pipeline flows and every service is ready: readiness and reality agree', async () => {
    await pipelineStillFlows();
    for (const name of SERVICE_NAMES) {
      const res = await fetch(`${platform.opsUrl(name)}/health/ready`);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
    }
  }, 60_000);
});
