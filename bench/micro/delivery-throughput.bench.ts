// Delivery throughput against local receivers, with the delivery service
// running as its own process (as in production), fed through its jobs topic.
//
//   node -r ./tools/ts-register.js libs/delivery/pipeline/bench/delivery-throughput.bench.ts [jobs] [scenario…]
//
// DELIVERY_* and BREAKER_* variables in the environment are passed to the service.
//
// Scenarios:
//   one-endpoint     N jobs preloaded, one receiver: deliveries/s
//   many-endpoints   N jobs preloaded, spread over 50 receivers (50 origins, 50 actions)
//   steady-baseline  a steady stream to one healthy receiver: its rate and latency
//   steady-with-hole the same stream, plus jobs for a black-holed receiver (10 s
//                    timeouts) on the SAME action, hence the same partition
import { randomBytes } from 'node:crypto';
import { DeliveryJob, DeliveryOutcome, deterministicId, newId, Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { HttpReceiver, testInfra, testLogger, TestPlatform, TopicRecorder, waitFor } from '@hookstream/testing';

const JOBS = Number(process.argv[2] ?? 5000);
const BENCH_WORKFLOW = newId('wf');
const secret = `whsec_${randomBytes(32).toString('base64')}`;

function job(url: string, actionId: string, overrides: { timeout_ms?: number } = {}): DeliveryJob {
  const now = new Date().toISOString();
  const eventId = newId('evt');
  const workflowId = BENCH_WORKFLOW;
  return DeliveryJob.parse({
    invocation_id: deterministicId('ivc', eventId, workflowId, actionId),
    tenant_id: 'ten_bench',
    workflow_id: workflowId,
    workflow_version: 1,
    event: {
      id: eventId,
      tenant_id: 'ten_bench',
      source: 'gateway',
      type: 'payment_approved',
      subject_id: `pay_${randomBytes(8).toString('hex')}`,
      entity_id: null,
      processing_channel_id: null,
      timestamp: now,
      version: '1.0.0',
      data: { amount: 1000, currency: 'EUR', reference: randomBytes(16).toString('hex') },
      metadata: {},
      received_at: now,
    },
    action: { id: actionId, type: 'webhook', url, signing_secrets: [secret], signature: { method: 'HMACSHA256', key: 'bench-key' }, ...overrides },
    attempt: 1,
    scheduled_at: now,
  });
}

class Bench {
  platform!: TestPlatform;
  producer!: KafkaConnection;
  outcomes!: TopicRecorder;

  async start(label: string): Promise<void> {
    // Delivery's own tuning passes through, e.g. DELIVERY_ATTEMPT_PATIENCE_MS=250.
    const tuning = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => /^(DELIVERY_|BREAKER_)/.test(k) && v !== undefined)) as Record<string, string>;
    this.platform = new TestPlatform({ services: ['delivery'], label, env: { LOG_LEVEL: 'warn', ...tuning } });
    this.producer = new KafkaConnection({ brokers: testInfra().kafkaBrokers, clientId: 'bench', topicPrefix: this.platform.prefix, logger: testLogger('bench') });
    await this.producer.connect();
    await this.producer.ensureTopics([Topics.deliveryJobs, Topics.deliveryOutcomes]);
    this.outcomes = await new TopicRecorder(this.platform.prefix, Topics.deliveryOutcomes).start();
  }

  async publish(jobs: DeliveryJob[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += 500) {
      await this.producer.publisher.publish(Topics.deliveryJobs, jobs.slice(i, i + 500).map((j) => ({ value: j })));
    }
  }

  succeeded(): number {
    return this.outcomes.messages.filter((m) => (JSON.parse(String(m.value)) as DeliveryOutcome).succeeded).length;
  }

  async stop(): Promise<void> {
    await this.outcomes.stop();
    await this.producer.disconnect();
    await this.platform.stop();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function preloaded(label: string, endpoints: number): Promise<Record<string, number | string>> {
  const receivers = await Promise.all(Array.from({ length: endpoints }, () => new HttpReceiver().start()));
  const actions = receivers.map(() => newId('wfa'));
  const jobs = Array.from({ length: JOBS }, (_, i) => job(receivers[i % endpoints].url('/hook'), actions[i % endpoints]));
  const bench = new Bench();
  await bench.start(label);
  await bench.publish(jobs);
  const started = Date.now();
  await bench.platform.start();
  const ready = Date.now();
  await waitFor(() => bench.succeeded() >= JOBS, { timeoutMs: 600_000, intervalMs: 100, what: 'all deliveries' });
  const done = Date.now();
  const received = receivers.flatMap((r) => r.requests.map((q) => q.receivedAt)).sort((a, b) => a - b);
  await bench.stop();
  await Promise.all(receivers.map((r) => r.stop()));
  const span = (received[received.length - 1] - received[0]) / 1000;
  return {
    scenario: label,
    jobs: JOBS,
    endpoints,
    'requests/s at the receivers': Math.round(received.length / span),
    'deliveries/s (ready -> last outcome)': Math.round(JOBS / ((done - ready) / 1000)),
    'service start ms': ready - started,
    requests: received.length,
  };
}

async function steady(label: string, withHole: boolean): Promise<Record<string, number | string>> {
  const healthy = await new HttpReceiver().start();
  const hole = await new HttpReceiver().start();
  hole.script('/hook', { blackHole: true });
  const bench = new Bench();
  await bench.start(label);
  await bench.platform.start();
  const actionId = newId('wfa');
  const published = new Map<string, number>();
  const durationMs = 30_000;
  const tickMs = 100;
  const perTick = 40;
  const holePerTick = 4;
  const end = Date.now() + durationMs;
  let healthyJobs = 0;
  let holeJobs = 0;
  while (Date.now() < end) {
    const tick = Date.now();
    const batch = Array.from({ length: perTick }, () => job(healthy.url('/hook'), actionId));
    if (withHole) batch.push(...Array.from({ length: holePerTick }, () => job(hole.url('/hook'), actionId)));
    for (const j of batch) published.set(j.invocation_id, Date.now());
    healthyJobs += perTick;
    holeJobs += withHole ? holePerTick : 0;
    await bench.publish(batch);
    await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (Date.now() - tick))));
  }
  await waitFor(() => healthy.requests.length >= healthyJobs, { timeoutMs: 120_000, intervalMs: 100, what: 'the healthy deliveries' });
  const latencies = healthy.requests.map((q) => q.receivedAt - (published.get(q.headers['webhook-id']) ?? q.receivedAt));
  const received = healthy.requests.map((q) => q.receivedAt).sort((a, b) => a - b);
  const outcomes = bench.outcomes.messages.map((m) => JSON.parse(String(m.value)) as DeliveryOutcome);
  const holeOutcomes = outcomes.filter((o) => o.url === hole.url('/hook'));
  const result = {
    scenario: label,
    'healthy jobs': healthyJobs,
    'healthy offered/s': Math.round(healthyJobs / (durationMs / 1000)),
    'healthy delivered/s': Math.round(healthy.requests.length / ((received[received.length - 1] - received[0]) / 1000)),
    'healthy latency p50 ms': percentile(latencies, 50),
    'healthy latency p95 ms': percentile(latencies, 95),
    'healthy latency p99 ms': percentile(latencies, 99),
    'healthy latency max ms': Math.max(...latencies),
    'hole jobs': holeJobs,
    'hole requests sent': hole.requests.length,
    'hole timeouts': holeOutcomes.filter((o) => o.error_kind === 'timeout').length,
    'hole short-circuited': holeOutcomes.filter((o) => o.error_kind === 'circuit_open').length,
  };
  await bench.stop();
  await Promise.all([healthy.stop(), hole.stop()]);
  return result;
}

async function main(): Promise<void> {
  testInfra();
  const scenarios: Record<string, () => Promise<Record<string, number | string>>> = {
    'one-endpoint': () => preloaded('one-endpoint', 1),
    'many-endpoints': () => preloaded('many-endpoints', 50),
    'steady-baseline': () => steady('steady-baseline', false),
    'steady-with-hole': () => steady('steady-with-hole', true),
  };
  const chosen = process.argv.slice(3);
  for (const [name, run] of Object.entries(scenarios)) {
    if (chosen.length > 0 && !chosen.includes(name)) continue;
    process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
