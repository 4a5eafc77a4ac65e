import { Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { HttpReceiver, keysCoveringPartitions, ServiceName, SERVICE_NAMES, TestPlatform, waitFor } from '@hookstream/testing';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One service's /metrics, in Prometheus' text format: its samples and the families it declares. */
interface Scrape {
  samples: Sample[];
  families: Set<string>;
}

function parseMetrics(text: string): Scrape {
  const samples: Sample[] = [];
  const families = new Set<string>();
  for (const line of text.split('\n')) {
    const declared = /^# TYPE (\S+) /.exec(line);
    if (declared) families.add(declared[1]);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) continue;
    const labels = Object.fromEntries([...(sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { samples, families };
}

/** The samples of `name` whose labels include `labels`. */
function select(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return scrape.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

const sum = (samples: Sample[]) => samples.reduce((total, s) => total + s.value, 0);

/**
 * The metrics operators read, after real traffic: events over HTTP and
 * Kafka on every partition to a workflow with a receiver, a poison message
 * on the producer topic, and a receiver that answers 410. Each service's
 * /metrics must show each new metric with values that match.
 */
describe('/metrics after real traffic', () => {
  const receiver = new HttpReceiver();
  const platform = new TestPlatform({ label: 'metrics' });
  // One subject per partition of the producer and events topics (both have 6).
  const subjects = keysCoveringPartitions('sub_metrics_', Topics.producerEvents.partitions);
  let kafka: KafkaConnection;
  const before = new Map<ServiceName, Scrape>();

  const scrape = async (service: ServiceName): Promise<Scrape> => parseMetrics(await (await fetch(`${platform.opsUrl(service)}/metrics`)).text());
  /** How much `name{labels}` grew in `service` since the scrape before the traffic. */
  const grown = async (service: ServiceName, name: string, labels: Record<string, string> = {}) => sum(select(await scrape(service), name, labels)) - sum(select(before.get(service)!, name, labels));
  const idsDelivered = (path: string) => new Set(receiver.on(path).map((r) => (JSON.parse(r.rawBody) as { id?: string }).id));
  const event = (subject_id: string, type = 'payment_approved') => ({ source: 'gateway', type, subject_id, data: { amount: 1 } });

  beforeAll(async () => {
    await receiver.start();
    receiver.script('/gone', { status: 410 });
    await platform.start();
    kafka = await platform.kafka('metrics-producer', [Topics.producerEvents]);
    for (const [type, path] of [
      ['payment_approved', '/ok'],
      ['payment_captured', '/gone'],
    ]) {
      const created = await platform.api('POST', '/workflows', { name: path, conditions: [{ type: 'event', events: { gateway: [type] } }], actions: [{ type: 'webhook', url: receiver.url(path) }] });
      expect(created.status).toBe(201);
    }
    // The matcher loads new workflows from the config topic: send until it serves the healthy one.
    await waitFor(
      async () => {
        const res = await platform.api('POST', '/events', event('sub_warmup'));
        return waitFor(() => idsDelivered('/ok').has(res.body.id), { timeoutMs: 3000 }).catch(() => false);
      },
      { timeoutMs: 90_000, what: 'the first delivery' },
    );
    for (const name of SERVICE_NAMES) before.set(name, await scrape(name));
  }, 240_000);

  afterAll(async () => {
    await kafka?.disconnect();
    await platform.stop();
    await receiver.stop();
  }, 60_000);

  it('counts the traffic: deliveries end to end, lag back to 0 per partition, dead letters by reason, requests by route and status', async () => {
    const sentOk = receiver.on('/ok').length;
    for (const subject of subjects) expect((await platform.api('POST', '/events', event(subject))).status).toBe(202);
    await kafka.publisher.publishEncoded(Topics.producerEvents, [
      ...subjects.map((subject) => ({ key: subject, value: JSON.stringify({ tenant: platform.tenantId, ...event(subject) }) })),
      { key: 'sub_poison', value: '{"tenant":"no event at all"}' },
      { key: 'sub_gone', value: JSON.stringify({ tenant: platform.tenantId, ...event('sub_gone', 'payment_captured') }) },
    ]);
    const delivered = 2 * subjects.length;
    await waitFor(() => receiver.on('/ok').length >= sentOk + delivered, { timeoutMs: 30_000, what: `${delivered} deliveries` });
    await waitFor(() => receiver.on('/gone').length >= 1, { timeoutMs: 30_000, what: 'the attempt the receiver answers 410' });

    // Observed when the 2xx arrives: by the time the receiver has it, the delivery process may not have observed it yet.
    await waitFor(async () => (await grown('delivery', 'delivery_end_to_end_seconds_count')) >= delivered, { timeoutMs: 10_000, what: 'the end-to-end histogram' });
    const slow = await grown('delivery', 'delivery_end_to_end_seconds_bucket', { le: '+Inf' });
    const withinMinute = await grown('delivery', 'delivery_end_to_end_seconds_bucket', { le: '60' });
    expect(withinMinute).toBe(slow);

    // Every partition of the producer topic (ingest) and of the events topic (matcher) had traffic: each has a lag series, back to 0 once drained.
    const lagOf = async (service: ServiceName, topic: string) =>
      new Map(select(await scrape(service), 'hookstream_consumer_lag_messages', { topic: `${platform.prefix}${topic}` }).map((s) => [s.labels.partition, s.value]));
    const partitions = Array.from({ length: Topics.events.partitions }, (_, n) => String(n));
    const drained = (lag: Map<string, number>) => partitions.every((p) => lag.get(p) === 0);
    await waitFor(async () => drained(await lagOf('event-ingest', Topics.producerEvents.name)), { timeoutMs: 20_000, what: "ingest's lag on every partition back to 0" });
    await waitFor(async () => drained(await lagOf('matcher', Topics.events.name)), { timeoutMs: 20_000, what: "the matcher's lag on every partition back to 0" });
    expect([...(await lagOf('projection', Topics.events.name)).keys()].sort()).toEqual(partitions);
    expect(select(await scrape('matcher'), 'hookstream_consumer_lag_messages')[0].labels.group).toMatch(new RegExp(`^${platform.prefix}`));

    // The poison: one dead letter, rejected by ingest; the 410: one exhausted job, by its error kind.
    const ingestLetters = select(await scrape('event-ingest'), 'hookstream_dead_letters_total');
    expect(ingestLetters.map((s) => ({ ...s.labels, value: s.value }))).toEqual([{ service: 'event-ingest', topic: `${platform.prefix}${Topics.producerEvents.name}`, reason: 'rejected', value: 1 }]);
    await waitFor(async () => (await grown('delivery', 'hookstream_dead_letters_total')) === 1, { timeoutMs: 10_000, what: "delivery's exhausted job counted" });
    expect(select(await scrape('delivery'), 'hookstream_dead_letters_total').map((s) => ({ ...s.labels, value: s.value }))).toEqual([
      { service: 'delivery', topic: `${platform.prefix}${Topics.deliveryExhausted.name}`, reason: 'endpoint_disabled', value: 1 },
    ]);

    // Requests by route template and status; the raw path of an id never becomes a label.
    expect(await grown('gateway', 'http_server_request_duration_seconds_count', { method: 'POST', route: '/events', status_code: '202' })).toBe(subjects.length);
    await platform.api('GET', '/workflows/wf_doesnotexist00000000000000');
    const routes = new Set(select(await scrape('gateway'), 'http_server_request_duration_seconds_count').map((s) => s.labels.route));
    expect(routes).toContain('/workflows/:workflowId');
    expect([...routes].filter((route) => route.includes('wf_'))).toEqual([]);
  }, 120_000);

  it('shows each service’s Postgres pool, produce errors and event-loop lag', async () => {
    for (const service of ['gateway', 'workflow-config', 'event-ingest', 'projection'] as const) {
      const metrics = await scrape(service);
      const pool = {
        open: sum(select(metrics, 'hookstream_db_pool_connections')),
        idle: select(metrics, 'hookstream_db_pool_idle_connections').length,
        waiting: select(metrics, 'hookstream_db_pool_waiting_clients').length,
      };
      expect({ service, open: pool.open >= 1, idle: pool.idle, waiting: pool.waiting }).toEqual({ service, open: true, idle: 1, waiting: 1 });
    }
    for (const service of SERVICE_NAMES) {
      const metrics = await scrape(service);
      expect({ service, lag: select(metrics, 'nodejs_eventloop_lag_p99_seconds').length }).toEqual({ service, lag: 1 });
      // A healthy broker fails no produce request: the family is declared, with nothing counted.
      expect({ service, produceErrors: metrics.families.has('hookstream_produce_errors_total'), failed: sum(select(metrics, 'hookstream_produce_errors_total')) }).toEqual({
        service,
        produceErrors: true,
        failed: 0,
      });
    }
  }, 60_000);
});
