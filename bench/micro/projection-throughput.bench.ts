// Projection throughput and lag against the real Kafka and Postgres, with
// the projection service running as its own process (as in production):
//  1. backlog: events and their attempt outcomes already on the topics, then
//     projection starts; throughput = messages written / time to drain.
//  2. steady load: messages published at a fixed rate; lag = time from a
//     message reaching Kafka to its write committing (the service's own
//     projection_lag_seconds histogram), and how long after the last publish
//     the read models have caught up.
// Run (numbers go in the report, never in a test):
//   node -r ./tools/ts-register.js bench/micro/projection-throughput.bench.ts
// Sizes: BENCH_EVENTS (20000), BENCH_RATE messages/s (1000), BENCH_SECONDS (20).
import { Client } from 'pg';
import { CanonicalEvent, DeliveryOutcome, deterministicId, Topics } from '@hookstream/contracts';
import { KafkaConnection } from '@hookstream/messaging';
import { freePort, sampleCanonicalEvent, serviceDatabaseUrl, ServiceProcess, testInfra, testLogger, uniquePrefix, waitFor } from '@hookstream/testing';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const SUBJECTS = 2_000;
const CHUNK = 1_000;

/** An event and the outcomes of its one action: one to three attempts, the last one succeeding. */
function eventWithOutcomes(i: number): { event: CanonicalEvent; outcomes: DeliveryOutcome[] } {
  const event = sampleCanonicalEvent({
    tenant_id: `ten_bench${i % 10}`,
    subject_id: `pay_bench${i % SUBJECTS}`,
    data: { id: `pay_bench${i % SUBJECTS}`, amount: 1000 + i, currency: 'EUR', reference: `ORD-${i}`, customer: { email: 'jane@example.com', name: 'Jane Doe' } },
  });
  const workflowId = deterministicId('wf', 'bench', String(i % 50));
  const actionId = deterministicId('wfa', 'bench', String(i % 50));
  const attempts = 1 + (i % 3);
  const outcomes = Array.from({ length: attempts }, (_, n): DeliveryOutcome => {
    const timestamp = new Date(Date.now() + n * 1000).toISOString();
    const last = n === attempts - 1;
    return {
      invocation_id: deterministicId('ivc', event.id, workflowId, actionId),
      tenant_id: event.tenant_id,
      event_id: event.id,
      workflow_id: workflowId,
      workflow_version: 1,
      action_id: actionId,
      attempt: n + 1,
      timestamp,
      retry: n > 0,
      succeeded: last,
      final: last,
      status_code: last ? 200 : 503,
      error_kind: last ? null : 'http_status',
      error_message: null,
      url: 'https://merchant.example/webhooks',
      request_headers: { 'content-type': 'application/json', 'webhook-id': event.id, 'cko-signature': 'abcd******' },
      response_body: last ? '{"ok":true}' : 'unavailable',
      response_received_at: timestamp,
      duration_ms: 35,
      next_attempt_at: last ? null : new Date(Date.now() + (n + 1) * 1000).toISOString(),
    };
  });
  return { event, outcomes };
}

async function publish(kafka: KafkaConnection, items: { event: CanonicalEvent; outcomes: DeliveryOutcome[] }[]): Promise<number> {
  const events = items.map((x) => ({ value: x.event }));
  const outcomes = items.flatMap((x) => x.outcomes.map((o) => ({ value: o })));
  for (let i = 0; i < events.length; i += CHUNK) await kafka.publisher.publish(Topics.events, events.slice(i, i + CHUNK));
  for (let i = 0; i < outcomes.length; i += CHUNK) await kafka.publisher.publish(Topics.deliveryOutcomes, outcomes.slice(i, i + CHUNK));
  return events.length + outcomes.length;
}

interface Scrape {
  written: number;
  lagBuckets: Map<number, number>;
  lagCount: number;
}

async function scrape(baseUrl: string): Promise<Scrape> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let written = 0;
  let lagCount = 0;
  const lagBuckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const value = Number(line.split(' ').at(-1));
    if (line.startsWith('projection_messages_total{')) written += value;
    if (line.startsWith('projection_lag_seconds_count{')) lagCount += value;
    const bucket = /^projection_lag_seconds_bucket\{.*le="([^"]+)"/.exec(line);
    if (bucket) {
      const le = bucket[1] === '+Inf' ? Infinity : Number(bucket[1]);
      lagBuckets.set(le, (lagBuckets.get(le) ?? 0) + value);
    }
  }
  return { written, lagBuckets, lagCount };
}

/** Upper bound of the bucket holding the p-quantile of what was observed between two scrapes. */
function quantile(before: Scrape, after: Scrape, p: number): string {
  const count = after.lagCount - before.lagCount;
  if (count === 0) return 'n/a';
  for (const le of [...after.lagBuckets.keys()].sort((a, b) => a - b)) {
    if ((after.lagBuckets.get(le) ?? 0) - (before.lagBuckets.get(le) ?? 0) >= p * count) return le === Infinity ? '> 300 s' : `≤ ${le * 1000} ms`;
  }
  return 'n/a';
}

async function main(): Promise<void> {
  const infra = testInfra();
  const prefix = uniquePrefix('projbench');
  const kafka = new KafkaConnection({ brokers: infra.kafkaBrokers, clientId: 'projection-bench', topicPrefix: prefix, logger: testLogger() });
  await kafka.connect();
  await kafka.ensureTopics([Topics.events, Topics.deliveryOutcomes, Topics.reflowRequests, Topics.projectionRejected]);
  const service = new ServiceProcess({
    name: 'projection',
    port: await freePort(),
    env: { KAFKA_BROKERS: infra.kafkaBrokers.join(','), PROJECTION_DATABASE_URL: serviceDatabaseUrl('PROJECTION_DATABASE_URL'), KAFKA_TOPIC_PREFIX: prefix, DATABASE_SCHEMA_PREFIX: prefix, LOG_LEVEL: 'warn' },
  });
  const db = new Client({ connectionString: infra.databaseUrl });
  await db.connect();
  try {
    // 1. Backlog.
    const backlog = await publish(kafka, Array.from({ length: EVENTS }, (_, i) => eventWithOutcomes(i)));
    process.stdout.write(`backlog: ${EVENTS} events + ${backlog - EVENTS} outcomes published\n`);
    await service.start();
    const started = await waitFor(async () => (await scrape(service.opsUrl)).written > 0 && Date.now(), { timeoutMs: 60_000, intervalMs: 20 });
    await waitFor(async () => (await scrape(service.opsUrl)).written >= backlog, { timeoutMs: 600_000, intervalMs: 100 });
    const drainMs = Date.now() - started;
    const rate = Math.round(backlog / (drainMs / 1000));
    process.stdout.write(`backlog drained: ${backlog} messages in ${drainMs} ms = ${rate} messages/s\n`);

    // 2. Steady load, a tenth of a second's worth at a time.
    const before = await scrape(service.opsUrl);
    const perTick = Math.max(1, Math.round(RATE / 10 / 3)); // ~3 messages per event (1 event + 2 outcomes on average)
    let sent = 0;
    const loadStart = Date.now();
    for (let tick = 0; tick < SECONDS * 10; tick++) {
      sent += await publish(kafka, Array.from({ length: perTick }, (_, i) => eventWithOutcomes(EVENTS + tick * perTick + i)));
      const due = loadStart + (tick + 1) * 100;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    const lastPublish = Date.now();
    const offered = Math.round(sent / ((lastPublish - loadStart) / 1000));
    await waitFor(async () => (await scrape(service.opsUrl)).written >= before.written + sent, { timeoutMs: 600_000, intervalMs: 20 });
    const catchUpMs = Date.now() - lastPublish;
    const after = await scrape(service.opsUrl);
    process.stdout.write(
      `steady load: ${sent} messages at ${offered} messages/s for ${SECONDS} s; lag p50 ${quantile(before, after, 0.5)}, p95 ${quantile(before, after, 0.95)}, ` +
        `p99 ${quantile(before, after, 0.99)}; caught up ${catchUpMs} ms after the last publish\n`,
    );
    const rows = await db.query(`SELECT (SELECT count(*) FROM "${prefix}projection".events) AS events, (SELECT count(*) FROM "${prefix}projection".attempts) AS attempts`);
    process.stdout.write(`rows: ${rows.rows[0].events} events, ${rows.rows[0].attempts} attempts\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'projection', backlog, drainMs, messagesPerSecond: rate, steadyOffered: offered, catchUpMs })}\n`);
  } finally {
    await service.stop();
    await db.query(`DROP SCHEMA IF EXISTS "${prefix}projection" CASCADE`).catch(() => undefined);
    await db.end();
    await kafka.disconnect();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
