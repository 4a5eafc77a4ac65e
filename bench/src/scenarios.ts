import path from 'node:path';
import { Topics } from '@hookstream/contracts';
import { createLogger } from '@hookstream/logging';
import { KafkaConnection } from '@hookstream/messaging';
import { uniquePrefix } from '@hookstream/testing';
import { BenchContext } from './bench-context';
import { BenchChild } from './child-process';
import { BENCH_API_KEY } from './bench-platform';
import { EventProducer, EventStream, ProduceResult } from './event-producer';
import { HttpEventProducer, HttpSendResult } from './http-producer';
import { cpuBetween } from './process-sampler';
import { countUpTo, lagAt, ProjectionProbe, ProjectionSample } from './projection-probe';
import type { ReceiverStats } from './receiver-api';
import type { ScenarioResult } from './results';
import { compareRounds, Condition, roundOrder } from './noisy-rounds';
import { pooled, ratePerSecond, sleep, summarize } from './stats';
import { QuietWatch } from './quiet-watch';
import { TenantMix } from './tenant-mix';
import { judged, LATENCY_P99_TARGETS, TARGETS } from './targets';
import { StageClock, TopicClock } from './topic-clock';
import { createWorkflows, fillerWorkflows, PlatformNotFunctional, publishConfig } from './workflow-setup';

export interface Infra {
  root: string;
  runDir: string;
  kafkaBrokers: string;
  databaseUrl: string;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

/** Sends a few events through the same path and forgets them, so that the measurement starts warm. */
async function warmUp(ctx: BenchContext, r: ScenarioResult, producer: EventProducer, stream: EventStream, prefix: string, expectedPerEvent = 1): Promise<void> {
  await ctx.receiver.reset(prefix);
  const produced = await producer.blast({ ...stream, tag: `${stream.tag}warm` }, Math.ceil(ctx.sizes.warmUpEvents / expectedPerEvent));
  await ctx.awaitDeliveries(r, `${stream.tag} warm-up`, prefix, produced.count * expectedPerEvent);
  await ctx.receiver.reset(prefix);
}

/** Up to `max` events, or as many as scenario 2's pace delivers in `seconds` (never fewer than a tenth of `max`). */
function sizedToPace(ctx: BenchContext, max: number, seconds: number, deliveriesPerEvent = 1): number {
  const pace = Number(ctx.result('2')?.figures[0]?.value);
  if (!Number.isFinite(pace)) return max;
  return Math.max(Math.ceil(max / 10), Math.min(max, Math.round((pace * seconds) / deliveriesPerEvent)));
}

/**
 * A steady rate well below capacity (a steady stream over many origins costs
 * more than one burst to one), so that throughput and p99 show interference
 * rather than a backlog: a quarter of scenario 2's pace, 100 to 400 events/s.
 */
function steadyRate(ctx: BenchContext): number {
  const e2e = Number(ctx.result('2')?.figures[0]?.value);
  return Math.max(100, Math.min(400, Number.isFinite(e2e) ? Math.round(e2e / 4 / 100) * 100 : 400));
}

/** Deliveries per second between the first and the last arrival. */
function deliveryRate(stats: ReceiverStats): number {
  return ratePerSecond(stats.unique, stats.lastAt - stats.firstAt);
}

/** Deliveries per second of several phases together: their deliveries over the sum of their spans. */
function pooledRate(phases: readonly ReceiverStats[]): number {
  return ratePerSecond(
    phases.reduce((n, s) => n + s.unique, 0),
    phases.reduce((ms, s) => ms + (s.lastAt - s.firstAt), 0),
  );
}

function logProduced(ctx: BenchContext, r: ScenarioResult, produced: ProduceResult): void {
  ctx.log(r.id, `produced ${fmt(produced.count)} events in ${((produced.endedAt - produced.startedAt) / 1000).toFixed(1)} s (${fmt(ratePerSecond(produced.count, produced.endedAt - produced.startedAt))}/s)`);
}

function requirePlatform(ctx: BenchContext) {
  const { platform, kafka, producer } = ctx;
  if (!platform || !kafka || !producer) throw new PlatformNotFunctional(ctx.platformDown ?? 'services not started');
  return { platform, kafka, producer };
}

/** 1. The same Kafka, receiver and machine without the platform: a consumer that only POSTs and commits. */
export async function bareLimit(ctx: BenchContext, infra: Infra): Promise<void> {
  await ctx.scenario('1', 'Bare pipeline limit: batch consumer -> undici POST -> commit', { needsPlatform: false, minimumMs: 20_000 }, async (r) => {
    const prefix = uniquePrefix('benchbare');
    ctx.prefixes.push(prefix);
    const target = ctx.receiver.url('/s1');
    const bare = new BenchChild({
      name: 'bare-pipeline',
      args: ['-r', path.join(infra.root, 'tools/ts-register.js'), path.join(infra.root, 'bench/src/bare-pipeline.ts')],
      env: { ...(process.env as Record<string, string>), KAFKA_BROKERS: infra.kafkaBrokers, KAFKA_TOPIC_PREFIX: prefix, BARE_GROUP_ID: 'bare', BARE_TARGET_URL: target },
      cwd: infra.root,
      logFile: path.join(infra.runDir, 'bare-pipeline.log'),
    });
    ctx.sampler.track('bare-pipeline', () => bare.pid);
    const ready = new Promise<void>((resolve) => bare.start((line) => line.includes('"ready"') && resolve()));
    await Promise.race([ready, bare.exited()]);
    const kafka = new KafkaConnection({ brokers: infra.kafkaBrokers.split(','), clientId: 'bench-bare-producer', topicPrefix: prefix, logger: createLogger({ service: 'bench', level: 'warn' }) });
    try {
      await kafka.connect();
      const producer = new EventProducer(kafka, ctx.runId);
      const stream = { tag: 's1', type: 'payment_approved' };
      await warmUp(ctx, r, producer, stream, '/s1');
      const produced = await producer.blast(stream, ctx.sizes.bareEvents);
      logProduced(ctx, r, produced);
      const stats = await ctx.awaitDeliveries(r, 'bare', '/s1', produced.count);
      ctx.phase('1 bare', stats.firstAt, stats.lastAt);
      ctx.figure(r, { label: 'deliveries/s (the ceiling)', value: deliveryRate(stats), unit: '/s' });
      ctx.figure(r, { label: 'events produced/s', value: ratePerSecond(produced.count, produced.endedAt - produced.startedAt), unit: '/s' });
      ctx.figure(r, { label: 'latency p99 (max rate: queueing)', value: stats.latency.p99, unit: 'ms' });
    } finally {
      await kafka.disconnect();
      await bare.stop();
    }
  });
}

/** The one workflow that scenarios 2 and 5 deliver through, and the filler workflows that surround it in the index. */
const throughputState = { ready: false, fillerIds: [] as string[] };

/** One matching workflow (through the API) and nine that cannot match (straight to the config topic): an index of 10. */
async function prepareThroughputWorkflows(ctx: BenchContext): Promise<void> {
  if (throughputState.ready) return;
  const { platform, kafka } = requirePlatform(ctx);
  const filler = fillerWorkflows(9, 0);
  await publishConfig(platform, kafka, filler.map((w) => ({ value: w })));
  throughputState.fillerIds = filler.map((w) => w.id);
  await createWorkflows(platform, [{ name: 'bench throughput', type: 'payment_approved', url: ctx.receiver.url('/s2') }]);
  throughputState.ready = true;
}

interface ThroughputRun {
  stats: ReceiverStats;
  /** Wall time of the matcher's match step (index lookup and job building) per event. */
  matchUs: number;
  /** The matcher process's CPU time per event, all of its work included. */
  matcherCpuUs: number;
}

/** Warm up, then `count` events as fast as the broker takes them through the throughput workflow. */
async function throughputRun(ctx: BenchContext, r: ScenarioResult, tag: string, count: number): Promise<ThroughputRun> {
  const { platform, producer } = requirePlatform(ctx);
  const stream = { tag, type: 'payment_approved' };
  await warmUp(ctx, r, producer, stream, '/s2');
  const matchBefore = await platform.metric('matcher', 'matcher_match_batch_seconds_sum');
  const cpuBefore = ctx.sampler.snapshot().matcher?.cpuSeconds ?? NaN;
  const produced = await producer.blast(stream, count);
  logProduced(ctx, r, produced);
  const stats = await ctx.awaitDeliveries(r, tag, '/s2', count);
  const matchUs = ((await platform.metric('matcher', 'matcher_match_batch_seconds_sum')) - matchBefore) * 1e6 / count;
  const matcherCpuUs = (((ctx.sampler.snapshot().matcher?.cpuSeconds ?? NaN) - cpuBefore) * 1e6) / count;
  return { stats, matchUs, matcherCpuUs };
}

/** 2. End to end at the broker's pace, one matching workflow (and nine that cannot match). */
export async function endToEnd(ctx: BenchContext): Promise<void> {
  await ctx.scenario('2', 'End-to-end throughput: 1 matching workflow, single action', { needsPlatform: true, minimumMs: 30_000 }, async (r) => {
    await prepareThroughputWorkflows(ctx);
    const { stats } = await throughputRun(ctx, r, 's2', ctx.sizes.throughputEvents);
    ctx.phase('2 e2e', stats.firstAt, stats.lastAt);
    const rate = deliveryRate(stats);
    const bare = ctx.result('1')?.figures[0]?.value ?? null;
    ctx.figure(r, { label: 'deliveries/s', value: rate, unit: '/s', ...judged(TARGETS.endToEndDeliveries, rate) });
    const share = bare ? (100 * rate) / bare : null;
    ctx.figure(r, { label: 'share of the bare-pipeline figure', value: share, unit: '%', ...judged(TARGETS.shareOfBare, share) });
    ctx.figure(r, { label: 'latency p99 (max rate: queueing)', value: stats.latency.p99, unit: 'ms' });
  });
}

/** 5. The same run with 10, 1,000 and 100,000 active workflows, almost all unable to match. */
export async function matcherScaling(ctx: BenchContext): Promise<void> {
  const levels = ctx.sizes.scalingLevels;
  await ctx.scenario('5', `Matcher scaling: ${levels.map(fmt).join(' / ')} active workflows`, { needsPlatform: true, minimumMs: 120_000 }, async (r) => {
    const { platform, kafka } = requirePlatform(ctx);
    await prepareThroughputWorkflows(ctx);
    // About 12 s of scenario 2's pace per level, so that a slow machine still finishes in time.
    const count = sizedToPace(ctx, ctx.sizes.throughputEvents, 12);
    const rows: { workflows: number; matchUs: number; matcherCpuUs: number; rate: number }[] = [];
    try {
      for (const level of levels) {
        const have = throughputState.fillerIds.length + 1;
        if (level > have) {
          const filler = fillerWorkflows(level - have, have);
          const started = Date.now();
          ctx.log(r.id, `publishing ${fmt(filler.length)} workflows to the config topic (index to ${fmt(level)})`);
          await publishConfig(platform, kafka, filler.map((w) => ({ value: w })), (done) => {
            if (done % 20_000 === 0) ctx.log(r.id, `  ${fmt(done)} published (${fmt(ratePerSecond(done, Date.now() - started))}/s)`);
          });
          throughputState.fillerIds.push(...filler.map((w) => w.id));
          const indexed = await platform.indexedWorkflows();
          ctx.log(r.id, `matcher applied them ${((Date.now() - started) / 1000).toFixed(1)} s after the first was published${indexed === undefined ? '' : `; its index holds ${fmt(indexed)} workflows`}`);
        }
        const { stats, matchUs, matcherCpuUs } = await throughputRun(ctx, r, `s5w${level}`, count);
        ctx.phase(`5 ${fmt(level)} wf`, stats.firstAt, stats.lastAt);
        ctx.log(r.id, `${fmt(level)} workflows: match step ${matchUs.toFixed(1)} µs/event, matcher CPU ${matcherCpuUs.toFixed(0)} µs/event, ${fmt(deliveryRate(stats))} deliveries/s`);
        rows.push({ workflows: level, matchUs, matcherCpuUs, rate: deliveryRate(stats) });
      }
    } finally {
      // Later scenarios run against the small index again.
      const tombstones = throughputState.fillerIds.map((id) => ({ tombstone: id }));
      ctx.log(r.id, `deleting ${fmt(tombstones.length)} filler workflows (tombstones)`);
      await publishConfig(platform, kafka, tombstones);
      throughputState.fillerIds = [];
    }
    for (const row of rows) {
      ctx.figure(r, { label: `${fmt(row.workflows)} workflows: matching cost (match step, wall time)`, value: row.matchUs, unit: 'µs/event' });
      ctx.figure(r, { label: `${fmt(row.workflows)} workflows: matcher CPU per event (whole process)`, value: row.matcherCpuUs, unit: 'µs/event' });
      ctx.figure(r, { label: `${fmt(row.workflows)} workflows: deliveries/s`, value: row.rate, unit: '/s' });
    }
    const first = rows[0];
    const last = rows[rows.length - 1];
    const ratio = last.matchUs / first.matchUs;
    ctx.figure(r, { label: `matching cost, ${fmt(last.workflows)} vs ${fmt(first.workflows)} workflows`, value: ratio, unit: '×', ...judged(TARGETS.matchingCostRatio, ratio) });
    ctx.figure(r, { label: `matcher CPU per event, ${fmt(last.workflows)} vs ${fmt(first.workflows)} workflows`, value: last.matcherCpuUs / first.matcherCpuUs, unit: '×' });
    r.details = { rows, eventsPerLevel: count };
  });
}

let projectionRun: { samples: ProjectionSample[]; base: ProjectionSample; eventTimes: Float64Array; outcomeTimes: Float64Array; caughtUpAt: number | null; rate: number } | undefined;

/** 3. Producer timestamp to receiver at fixed rates; the highest rate also feeds scenario 7. */
export async function latency(ctx: BenchContext, infra: Infra): Promise<void> {
  const rates = ctx.sizes.latencyRates;
  await ctx.scenario('3', `Latency at ${rates.map(fmt).join(' and ')} events/s`, { needsPlatform: true, minimumMs: 2 * rates.length * ctx.sizes.latencySeconds * 1000 + 20_000 }, async (r) => {
    const { platform, kafka, producer } = requirePlatform(ctx);
    await createWorkflows(
      platform,
      rates.map((rate) => ({ name: `bench latency ${rate}/s`, type: 'payment_captured', entities: [`ent_s3r${rate}`], url: ctx.receiver.url(`/s3/r${rate}`) })),
    );
    // Splits each rate's latency by stage: ingest (to the events topic), matching (to the jobs topic), delivery (to the receiver).
    const stages = await new StageClock(kafka, [
      { topic: Topics.events, sentAtMs: (v) => (v as { data?: { sent_at_ms?: unknown } }).data?.sent_at_ms },
      { topic: Topics.deliveryJobs, sentAtMs: (v) => (v as { event?: { data?: { sent_at_ms?: unknown } } }).event?.data?.sent_at_ms },
    ]).start();
    try {
      for (const rate of rates) {
        stages.reset();
        // The top rate also watches the projection: its read models against the topics it reads.
        const top = rate === rates[rates.length - 1];
        const probe = top ? await new ProjectionProbe(infra.databaseUrl, `${platform.schemaPrefix}projection`).connect() : undefined;
        const clock = top ? await new TopicClock(kafka, [Topics.events, Topics.deliveryOutcomes]).start() : undefined;
        try {
          const base = probe ? await probe.read() : undefined;
          probe?.start(200);
          ctx.log(r.id, `${fmt(rate)} events/s for ${ctx.sizes.latencySeconds} s`);
          const produced = await producer.paced({ tag: `s3r${rate}`, type: 'payment_captured', entity: () => `ent_s3r${rate}` }, rate, ctx.sizes.latencySeconds * 1000);
          const stats = await ctx.awaitDeliveries(r, `${rate}/s`, `/s3/r${rate}`, produced.count);
          ctx.phase(`3 ${fmt(rate)}/s`, produced.startedAt, stats.lastAt);
          const achieved = ratePerSecond(produced.count, produced.endedAt - produced.startedAt);
          const l = stats.latency;
          ctx.log(r.id, `${fmt(rate)}/s: p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, max ${l.max} ms`);
          ctx.figure(r, { label: `${fmt(rate)}/s: offered rate achieved`, value: achieved, unit: '/s' });
          ctx.figure(r, { label: `${fmt(rate)}/s: latency p50`, value: l.p50, unit: 'ms' });
          ctx.figure(r, { label: `${fmt(rate)}/s: latency p95`, value: l.p95, unit: 'ms' });
          ctx.figure(r, { label: `${fmt(rate)}/s: latency p99`, value: l.p99, unit: 'ms', ...judged(LATENCY_P99_TARGETS.get(rate), l.p99) });
          ctx.figure(r, { label: `${fmt(rate)}/s: latency max`, value: l.max, unit: 'ms' });
          const toEvents = summarize(stages.delaysTo(Topics.events));
          const toJobs = summarize(stages.delaysTo(Topics.deliveryJobs));
          ctx.log(r.id, `${fmt(rate)}/s by stage, p50/p99: producer -> events topic ${toEvents.p50}/${toEvents.p99} ms, -> jobs topic ${toJobs.p50}/${toJobs.p99} ms, -> receiver ${l.p50}/${l.p99} ms`);
          ctx.figure(r, { label: `${fmt(rate)}/s: on the events topic (ingest done), p50`, value: toEvents.p50, unit: 'ms' });
          ctx.figure(r, { label: `${fmt(rate)}/s: on the events topic (ingest done), p99`, value: toEvents.p99, unit: 'ms' });
          ctx.figure(r, { label: `${fmt(rate)}/s: on the jobs topic (matching done), p50`, value: toJobs.p50, unit: 'ms' });
          ctx.figure(r, { label: `${fmt(rate)}/s: on the jobs topic (matching done), p99`, value: toJobs.p99, unit: 'ms' });
          if (probe && base && clock) {
            // Until the read models hold every event and every outcome of this phase.
            const deadline = Date.now() + 60_000;
            let caughtUpAt: number | null = null;
            while (Date.now() < deadline && caughtUpAt === null) {
              await sleep(200);
              const last = probe.samples[probe.samples.length - 1];
              const outcomes = clock.sorted(Topics.deliveryOutcomes).length;
              if (last && last.events - base.events >= produced.count && outcomes >= stats.unique && last.attempts - base.attempts >= outcomes) caughtUpAt = last.at;
            }
            await probe.stop();
            projectionRun = { samples: probe.samples, base, eventTimes: clock.sorted(Topics.events), outcomeTimes: clock.sorted(Topics.deliveryOutcomes), caughtUpAt, rate };
          }
        } finally {
          await clock?.stop();
          await probe?.stop();
          await probe?.close();
        }
      }
    } finally {
      await stages.stop();
    }
  });
}

/** 7. How far the read models fall behind the topics they read at scenario 3's top rate, and how soon they catch up. */
export async function projectionLag(ctx: BenchContext): Promise<void> {
  await ctx.scenario('7', "Projection lag at the latency run's top rate", { needsPlatform: true, minimumMs: 0 }, async (r) => {
    const run = projectionRun;
    const s3 = ctx.result('3');
    if (!run) throw new PlatformNotFunctional(`needs scenario 3's top-rate phase (scenario 3: ${s3?.status ?? 'absent'}${s3?.reason ? `, ${s3.reason}` : ''})`);
    const { samples, base, eventTimes, outcomeTimes, caughtUpAt, rate } = run;
    const lastOnTopics = Math.max(eventTimes[eventTimes.length - 1] ?? NaN, outcomeTimes[outcomeTimes.length - 1] ?? NaN);
    // While the phase's messages were arriving on the topics.
    const during = samples.filter((s) => s.at >= eventTimes[0] && s.at <= lastOnTopics);
    const eventLag = summarize(during.map((s) => lagAt({ at: s.at, shown: s.events - base.events }, eventTimes)));
    const attemptLag = summarize(during.map((s) => lagAt({ at: s.at, shown: s.attempts - base.attempts }, outcomeTimes)));
    const behind = during.map((s) => countUpTo(eventTimes, s.at) - (s.events - base.events));
    ctx.figure(r, { label: `events read model: lag p95 at ${fmt(rate)}/s`, value: eventLag.p95, unit: 'ms' });
    ctx.figure(r, { label: `events read model: lag max at ${fmt(rate)}/s`, value: eventLag.max, unit: 'ms', ...judged(TARGETS.readModelLagMax, eventLag.max) });
    ctx.figure(r, { label: 'events read model: most events behind', value: Math.max(0, ...behind), unit: 'events' });
    ctx.figure(r, { label: 'attempts read model: lag p95', value: attemptLag.p95, unit: 'ms' });
    ctx.figure(r, { label: 'attempts read model: lag max', value: attemptLag.max, unit: 'ms', ...judged(TARGETS.readModelLagMax, attemptLag.max) });
    ctx.figure(r, { label: 'caught up after the last message reached its topic', value: caughtUpAt === null ? null : Math.max(0, caughtUpAt - lastOnTopics), unit: 'ms' });
    if (caughtUpAt === null) {
      const last = samples[samples.length - 1];
      r.checks['read models'] = { expected: eventTimes.length, delivered: last.events - base.events, duplicates: 0, lost: Math.max(0, eventTimes.length - (last.events - base.events)) };
    }
    r.details = { samples: during.length, eventsOnTopic: eventTimes.length, outcomesOnTopic: outcomeTimes.length };
  });
}

/** 4. Each event matches 10 workflows, each with an endpoint (origin) of its own. */
export async function fanOut(ctx: BenchContext): Promise<void> {
  await ctx.scenario('4', 'Fan-out: each event matches 10 workflows', { needsPlatform: true, minimumMs: 30_000 }, async (r) => {
    const { platform, producer } = requirePlatform(ctx);
    const ports = await ctx.receiver.listen(10);
    await createWorkflows(
      platform,
      ports.map((port, k) => ({ name: `bench fan-out ${k}`, type: 'payment_refunded', url: ctx.receiver.url(`/s4/${k}`, port) })),
    );
    const stream = { tag: 's4', type: 'payment_refunded' };
    await warmUp(ctx, r, producer, stream, '/s4/', 10);
    const produced = await producer.blast(stream, sizedToPace(ctx, ctx.sizes.fanOutEvents, 20, 10));
    logProduced(ctx, r, produced);
    const stats = await ctx.awaitDeliveries(r, 'fan-out', '/s4/', produced.count * 10);
    ctx.phase('4 fan-out', stats.firstAt, stats.lastAt);
    const rate = deliveryRate(stats);
    const e2e = ctx.result('2')?.figures[0]?.value ?? null;
    ctx.figure(r, { label: 'deliveries/s', value: rate, unit: '/s' });
    ctx.figure(r, { label: 'events/s (10 deliveries each)', value: rate / 10, unit: '/s' });
    ctx.figure(r, { label: 'deliveries/s vs scenario 2', value: e2e ? (100 * rate) / e2e : null, unit: '%' });
  });
}

/** 6. 100 endpoints; then the same with 20 of them black-holed (they accept and never answer). */
export async function isolation(ctx: BenchContext): Promise<void> {
  await ctx.scenario('6', 'Isolation: 100 endpoints, 20 black-holed vs all healthy', { needsPlatform: true, minimumMs: 2 * ctx.sizes.isolationSeconds * 1000 + 40_000 }, async (r) => {
    const { platform, producer } = requirePlatform(ctx);
    const ports = await ctx.receiver.listen(100);
    // Endpoints 0-19 are the ones that go dark in the second half; /s6/h/ are the 80 healthy throughout.
    const pathOf = (i: number) => (i < 20 ? `/s6/x/${i}` : `/s6/h/${i}`);
    await createWorkflows(
      platform,
      ports.map((port, i) => ({ name: `bench isolation ${i}`, type: 'payment_voided', entities: [`ent_s6e${i}`], url: ctx.receiver.url(pathOf(i), port) })),
    );
    const rate = steadyRate(ctx);
    const healthyOf = (count: number) => count - 20 * Math.floor(count / 100) - Math.min(20, count % 100);
    const run = async (tag: string) => {
      ctx.log(r.id, `${tag}: ${fmt(rate)} events/s for ${ctx.sizes.isolationSeconds} s over 100 endpoints`);
      const produced = await producer.paced({ tag, type: 'payment_voided', entity: (seq) => `ent_s6e${seq % 100}` }, rate, ctx.sizes.isolationSeconds * 1000);
      const stats = await ctx.awaitDeliveries(r, `${tag} healthy 80`, '/s6/h/', healthyOf(produced.count));
      return { produced, stats };
    };
    const healthy = await run('all-healthy');
    ctx.phase('6 healthy', healthy.produced.startedAt, healthy.stats.lastAt);
    await ctx.receiver.reset('/s6/');
    await ctx.receiver.behave(Array.from({ length: 20 }, (_, i) => pathOf(i)), { mode: 'blackhole' });
    const holed = await run('20-black-holed');
    ctx.phase('6 20 holes', holed.produced.startedAt, holed.stats.lastAt);
    const held = (await ctx.receiver.count('/s6/x/')).held;
    const rateA = deliveryRate(healthy.stats);
    const rateB = deliveryRate(holed.stats);
    const p99A = healthy.stats.latency.p99;
    const p99B = holed.stats.latency.p99;
    ctx.figure(r, { label: 'offered events/s', value: rate, unit: '/s' });
    ctx.figure(r, { label: 'healthy endpoints: deliveries/s, all healthy', value: rateA, unit: '/s' });
    ctx.figure(r, { label: 'healthy endpoints: deliveries/s, 20 black-holed', value: rateB, unit: '/s' });
    ctx.figure(r, { label: 'healthy throughput kept', value: (100 * rateB) / rateA, unit: '%', ...judged(TARGETS.healthyThroughputKept, (100 * rateB) / rateA) });
    ctx.figure(r, { label: 'healthy p99, all healthy', value: p99A, unit: 'ms' });
    ctx.figure(r, { label: 'healthy p99, 20 black-holed', value: p99B, unit: 'ms' });
    ctx.figure(r, { label: 'healthy p99 ratio', value: p99B / p99A, unit: '×', ...judged(TARGETS.healthyP99Ratio, p99B / p99A) });
    ctx.figure(r, { label: 'requests held by the black holes', value: held, unit: 'requests' });
  });
}

/**
 * Scenario 9's tenants: nine quiet ones, each with one workflow to an origin
 * of its own, and a noisy one sending ten times the rate of each, spread by
 * entity over 20 workflows and origins whose receiver answers after 2 s.
 * Slow answers are what hold delivery's slots: without per-tenant limits the
 * noisy tenant keeps about its rate × 2 s attempts open (some 400 at the
 * default pace, more than a quarter of the 256 foreground and 1,024
 * background slots), and each of its origins stays under the per-origin
 * limit (32), so only a per-tenant limit can hold it back.
 */
const NOISY_TENANT = { quietTenants: 9, factor: 10, origins: 20, answerAfterMs: 2_000, type: 'payment_returned' } as const;

/** The peak of the requests held open (unanswered) under a prefix of the receiver, sampled until stopped. */
function watchOpen(ctx: BenchContext, prefix: string): { stop(): Promise<number> } {
  let watching = true;
  let peak = 0;
  const sampling = (async () => {
    while (watching) {
      peak = Math.max(peak, (await ctx.receiver.count(prefix)).open);
      await sleep(200);
    }
  })();
  return {
    stop: async () => {
      watching = false;
      await sampling;
      return peak;
    },
  };
}

/**
 * 9. Ten tenants of their own: the quiet ones alone, and beside one at 10×
 * the rate of each with a slow receiver, in alternating rounds. One round of
 * each gave ratios from 0.23× to 2.6× (a 1.3 s outlier in one alone run is
 * its p99 at ~2,800 samples); each condition's latencies pooled over its
 * rounds make the comparison steadier without making it easier.
 */
export async function noisyTenant(ctx: BenchContext): Promise<void> {
  const { quietTenants, factor, origins, answerAfterMs, type } = NOISY_TENANT;
  const { noisyTenantSeconds: seconds, noisyTenantRounds: rounds } = ctx.sizes;
  const title = `Noisy tenant: ${quietTenants} quiet tenants alone and beside one at ${factor}× the rate of each with a slow receiver, ${rounds} alternating rounds of each`;
  await ctx.scenario('9', title, { needsPlatform: true, minimumMs: 2 * rounds * seconds * 1000 + 40_000 }, async (r) => {
    const { platform, kafka, producer } = requirePlatform(ctx);
    const quiet = await Promise.all(Array.from({ length: quietTenants }, (_, k) => platform.createTenant(`bench quiet ${k}`)));
    const noisy = await platform.createTenant('bench noisy');
    const ports = await ctx.receiver.listen(quietTenants + origins);
    const quietPath = (k: number) => `/s9/q/${k}`;
    const noisyPath = (j: number) => `/s9/n/${j}`;
    await createWorkflows(platform, [
      ...quiet.map((t, k) => ({ name: `bench quiet tenant ${k}`, type, url: ctx.receiver.url(quietPath(k), ports[k]), apiKey: t.apiKey })),
      ...Array.from({ length: origins }, (_, j) => ({
        name: `bench noisy tenant ${j}`,
        type,
        entities: [`ent_s9n${j}`],
        url: ctx.receiver.url(noisyPath(j), ports[quietTenants + j]),
        apiKey: noisy.apiKey,
      })),
    ]);
    const streamOf = (mix: TenantMix, tag: string): EventStream => ({
      tag,
      type,
      tenant: (seq) => {
        const sender = mix.senderOf(seq);
        return sender.tenant === 'noisy' ? noisy.id : quiet[sender.quiet].id;
      },
      entity: (seq) => {
        const sender = mix.senderOf(seq);
        return sender.tenant === 'noisy' ? `ent_s9n${sender.nth % origins}` : `ent_s9q${sender.quiet}`;
      },
    });
    // The pace with the noisy tenant on is scenario 6's: the rounds without it offer the quiet tenants' share alone.
    const perQuiet = Math.max(1, Math.floor(steadyRate(ctx) / (quietTenants + factor)));
    const run = async (label: string, tag: string, mix: TenantMix) => {
      const rate = perQuiet * mix.round;
      ctx.log(r.id, `${label}: ${fmt(rate)} events/s for ${seconds} s (${fmt(perQuiet)}/s from each quiet tenant${mix.noisyFactor ? `, ${fmt(perQuiet * mix.noisyFactor)}/s from the noisy one` : ''})`);
      const open = mix.noisyFactor > 0 ? watchOpen(ctx, '/s9/n/') : undefined;
      const produced = await producer.paced(streamOf(mix, tag), rate, seconds * 1000);
      const sent = mix.counts(produced.count);
      const quietStats = await ctx.awaitDeliveries(r, `${label}: quiet tenants`, '/s9/q/', sent.quiet.reduce((a, b) => a + b, 0));
      const noisyStats = sent.noisy > 0 ? await ctx.awaitDeliveries(r, `${label}: noisy tenant`, '/s9/n/', sent.noisy, { latencies: true }) : undefined;
      const peakOpen = (await open?.stop()) ?? 0;
      // Each tenant's own latencies: pooled over the tenants for the round, over the rounds for each tenant.
      const byTenant = (await Promise.all(quiet.map((_, k) => ctx.receiver.stats(quietPath(k), { latencies: true })))).map((s) => s.latencies ?? []);
      ctx.phase(`9 ${label}`, produced.startedAt, Math.max(...[quietStats.lastAt, noisyStats?.lastAt ?? NaN].filter(Number.isFinite)));
      ctx.log(r.id, `${label}: quiet p50 ${quietStats.latency.p50} ms, p99 ${quietStats.latency.p99} ms${noisyStats ? `; noisy p99 ${noisyStats.latency.p99} ms, ${fmt(peakOpen)} attempts open at its receiver at most` : ''}`);
      return { quiet: quietStats, byTenant, noisy: noisyStats, peakOpen };
    };
    await warmUp(ctx, r, producer, streamOf(new TenantMix(quietTenants, factor), 's9'), '/s9/');
    await ctx.receiver.behave(Array.from({ length: origins }, (_, j) => noisyPath(j)), { mode: 'delay', delayMs: answerAfterMs });
    const runs: { condition: Condition; result: Awaited<ReturnType<typeof run>> }[] = [];
    for (const [i, condition] of roundOrder(rounds).entries()) {
      const label = `round ${i + 1}, ${condition === 'alone' ? 'alone' : 'beside the noisy one'}`;
      const result = await run(label, `s9r${i + 1}`, new TenantMix(quietTenants, condition === 'alone' ? 0 : factor));
      runs.push({ condition, result });
      // The next alone round starts with none of the noisy tenant's attempts still open or in flight.
      if (condition === 'beside') await untilQuiet(ctx, r, kafka, '/s9/');
      await ctx.receiver.reset('/s9/');
    }
    const compared = compareRounds(runs.map(({ condition, result }) => ({ condition, latencies: result.byTenant.flat() })));
    const of = (condition: Condition) => runs.filter((run) => run.condition === condition).map((run) => run.result);
    const quietRate = (condition: Condition) => pooledRate(of(condition).map((result) => result.quiet));
    const besideNoisy = of('beside').flatMap((result) => (result.noisy ? [result.noisy] : []));
    const noisyLatency = pooled(besideNoisy.map((s) => s.latencies ?? []));
    // Each quiet tenant's p99 beside the noisy one, its rounds pooled.
    const besideByTenant = quiet.map((_, k) => pooled(of('beside').map((result) => result.byTenant[k])).p99);
    ctx.figure(r, { label: 'offered events/s, each quiet tenant', value: perQuiet, unit: '/s' });
    ctx.figure(r, { label: `offered events/s, the noisy tenant (${origins} origins answering after ${fmt(answerAfterMs)} ms)`, value: perQuiet * factor, unit: '/s' });
    ctx.figure(r, { label: 'quiet tenants: deliveries/s, alone', value: quietRate('alone'), unit: '/s' });
    ctx.figure(r, { label: 'quiet tenants: deliveries/s, beside the noisy one', value: quietRate('beside'), unit: '/s' });
    ctx.figure(r, { label: 'quiet tenants: p50, alone (rounds pooled)', value: compared.alone.p50, unit: 'ms' });
    ctx.figure(r, { label: 'quiet tenants: p50, beside the noisy one (rounds pooled)', value: compared.beside.p50, unit: 'ms' });
    ctx.figure(r, { label: `quiet tenants: p99, alone (rounds pooled, ${fmt(compared.alone.count)} deliveries)`, value: compared.alone.p99, unit: 'ms' });
    ctx.figure(r, { label: `quiet tenants: p99, beside the noisy one (rounds pooled, ${fmt(compared.beside.count)} deliveries)`, value: compared.beside.p99, unit: 'ms' });
    ctx.figure(r, { label: 'quiet tenants: p99 ratio (beside / alone, rounds pooled)', value: compared.ratio, unit: '×', ...judged(TARGETS.quietTenantP99Ratio, compared.ratio) });
    compared.rounds.forEach((round, i) => {
      ctx.figure(r, { label: `quiet tenants: p99, round ${i + 1} (${round.condition === 'alone' ? 'alone' : 'beside the noisy one'})`, value: round.p99, unit: 'ms' });
    });
    ctx.figure(r, { label: 'slowest quiet tenant: p99, beside the noisy one (rounds pooled)', value: Math.max(...besideByTenant), unit: 'ms' });
    ctx.figure(r, { label: 'noisy tenant: deliveries/s', value: pooledRate(besideNoisy), unit: '/s' });
    ctx.figure(r, { label: 'noisy tenant: p50 (to its receiver, before the slow answer)', value: noisyLatency.p50, unit: 'ms' });
    ctx.figure(r, { label: 'noisy tenant: p99 (to its receiver, before the slow answer)', value: noisyLatency.p99, unit: 'ms' });
    ctx.figure(r, { label: 'noisy tenant: attempts open at its receiver at once, peak', value: Math.max(0, ...of('beside').map((result) => result.peakOpen)), unit: 'attempts' });
    r.details = {
      perQuietTenant: perQuiet,
      noisyOrigins: origins,
      answerAfterMs,
      secondsPerRound: seconds,
      rounds: compared.rounds.map((round, i) => ({ ...round, quietP99ByTenant: runs[i].result.byTenant.map((l) => pooled([l]).p99) })),
      quietP99ByTenantBeside: besideByTenant,
    };
  });
}

/** Scenario 10's event type, which no other scenario's workflows listen to; each phase has an entity and a receiver path of its own. */
const HTTP_INGEST = { type: 'payment_authorization_incremented', clients: 64, batchSize: 100 } as const;

function logHttp(ctx: BenchContext, r: ScenarioResult, label: string, sent: HttpSendResult): void {
  const refused = Object.entries(sent.refused).map(([status, n]) => `${fmt(n)} × ${status}`).join(', ');
  ctx.log(
    r.id,
    `${label}: ${fmt(sent.accepted)} of ${fmt(sent.sent)} events accepted in ${((sent.endedAt - sent.startedAt) / 1000).toFixed(1)} s ` +
      `(${fmt(ratePerSecond(sent.accepted, sent.endedAt - sent.startedAt))}/s), requests p50/p99 ${sent.requestLatency.p50}/${sent.requestLatency.p99} ms${refused ? `; refused: ${refused}` : ''}`,
  );
}

/**
 * Waits until the platform has nothing left in flight: no new request at the
 * receiver under `prefix`, none held open there, and no new message on the
 * inbound or events topic for `quietMs`. A client gives up on a request (or
 * is refused) long before the platform stops working on it, and a slow
 * receiver holds delivery's slots after the last delivery arrived; without
 * this, one phase's leftovers would be measured in the next. Goes on after
 * `capMs`, saying so. Resolves to the time waited.
 */
async function untilQuiet(ctx: BenchContext, r: ScenarioResult, kafka: KafkaConnection, prefix: string, { quietMs = 2_000, capMs = 60_000 } = {}): Promise<number> {
  const topics = [kafka.topic(Topics.producerEvents), kafka.topic(Topics.events)];
  const watch = new QuietWatch(quietMs);
  const started = Date.now();
  const snapshot = async () => {
    const ends = await kafka.partitionEnds(topics);
    const offsets = ends.reduce((sum, e) => sum + BigInt(e.high), 0n);
    const counts = await ctx.receiver.count(prefix);
    return { moving: `${counts.requests}/${counts.open}/${offsets}`, open: counts.open };
  };
  for (;;) {
    const now = await snapshot();
    if (watch.observe(now.moving, Date.now()) && now.open === 0) break;
    if (Date.now() - started >= capMs) {
      ctx.log(r.id, `still busy after ${capMs / 1000} s (deliveries under ${prefix} or messages still arriving): going on`);
      return Date.now() - started;
    }
    await sleep(250);
  }
  const waited = Date.now() - started;
  if (waited > quietMs + 1_000) ctx.log(r.id, `waited ${(waited / 1000).toFixed(1)} s for the platform to finish the last phase's leftovers`);
  return waited;
}

function refusedRequests(sent: HttpSendResult): number {
  return Object.values(sent.refused).reduce((a, b) => a + b, 0);
}

/**
 * 10. Producers without Kafka: events POSTed to the gateway (authenticated
 * with the tenant's key) by 64 keep-alive clients, one event a request
 * (`/events`) and 100 (`/events/batch`), as fast as they are answered; then
 * single events at fixed rates, from the request to the receiver.
 */
export async function httpIngest(ctx: BenchContext): Promise<void> {
  const { type, clients, batchSize } = HTTP_INGEST;
  const seconds = ctx.sizes.httpSaturationSeconds;
  const rates = ctx.sizes.latencyRates;
  const minimumMs = 2 * seconds * 1000 + 2 * rates.length * ctx.sizes.latencySeconds * 1000 + 30_000;
  await ctx.scenario('10', `HTTP ingest: POST /events and /events/batch through the gateway, ${clients} clients`, { needsPlatform: true, minimumMs }, async (r) => {
    const { platform, kafka } = requirePlatform(ctx);
    const phases = ['single', 'batch', ...rates.map((rate) => `r${rate}`)];
    await createWorkflows(platform, phases.map((p) => ({ name: `bench http ${p}`, type, entities: [`ent_s10${p}`], url: ctx.receiver.url(`/s10/${p}`) })));
    const stream = (phase: string, tag = `s10${phase}`): EventStream => ({ tag, type, entity: () => `ent_s10${phase}` });
    const http = new HttpEventProducer(platform.url('gateway'), BENCH_API_KEY, ctx.runId, clients);
    const stages = await new StageClock(kafka, [{ topic: Topics.events, sentAtMs: (v) => (v as { data?: { sent_at_ms?: unknown } }).data?.sent_at_ms }]).start();
    try {
      await ctx.receiver.reset('/s10/');
      const warm = await http.saturate(stream('single', 's10warm'), { clients, batchSize: 1, durationMs: 60_000, maxEvents: ctx.sizes.warmUpEvents });
      await ctx.awaitDeliveries(r, 's10 warm-up', '/s10/single', warm.accepted);
      await ctx.receiver.reset('/s10/');

      for (const [phase, size] of [['single', 1], ['batch', batchSize]] as const) {
        const label = size === 1 ? 'POST /events' : `POST /events/batch (${size} a request)`;
        ctx.log(r.id, `${label}: ${clients} clients for ${seconds} s`);
        const cpuBefore = ctx.sampler.snapshot();
        const sent = await http.saturate(stream(phase), { clients, batchSize: size, durationMs: seconds * 1000 });
        const cpu = cpuBetween(cpuBefore, ctx.sampler.snapshot());
        logHttp(ctx, r, label, sent);
        const stats = await ctx.awaitDeliveries(r, label, `/s10/${phase}`, sent.accepted);
        ctx.phase(`10 ${phase}`, sent.startedAt, stats.lastAt);
        const accepted = ratePerSecond(sent.accepted, sent.endedAt - sent.startedAt);
        const delivered = deliveryRate(stats);
        const target = size === 1 ? TARGETS.httpSingleEvents : undefined;
        ctx.figure(r, { label: `${label}: events accepted/s`, value: accepted, unit: '/s', ...judged(target, accepted) });
        ctx.figure(r, { label: `${label}: deliveries/s`, value: delivered, unit: '/s', ...judged(target, delivered) });
        ctx.figure(r, { label: `${label}: request latency p50`, value: sent.requestLatency.p50, unit: 'ms' });
        ctx.figure(r, { label: `${label}: request latency p99`, value: sent.requestLatency.p99, unit: 'ms' });
        ctx.figure(r, { label: `${label}: requests refused`, value: refusedRequests(sent), unit: 'requests' });
        // What an accepted event costs the two services on its way in, however busy the machine is.
        for (const service of ['gateway', 'event-ingest']) {
          ctx.figure(r, { label: `${label}: ${service} CPU per accepted event`, value: sent.accepted > 0 ? ((cpu[service] ?? NaN) * 1e6) / sent.accepted : null, unit: 'µs' });
        }
      }

      const quietWaitMs: Record<string, number> = {};
      r.details = { quietWaitMs };
      // The paced phases come after the saturation ones, each from a quiet
      // platform: waiting out the backlog keeps the order (and the warm-up
      // first) and measures each rate on its own.
      for (const rate of rates) {
        const phase = `r${rate}`;
        quietWaitMs[phase] = await untilQuiet(ctx, r, kafka, '/s10/');
        stages.reset();
        ctx.log(r.id, `POST /events at ${fmt(rate)} events/s for ${ctx.sizes.latencySeconds} s`);
        const sent = await http.paced(stream(phase), rate, ctx.sizes.latencySeconds * 1000);
        logHttp(ctx, r, `${fmt(rate)}/s`, sent);
        const stats = await ctx.awaitDeliveries(r, `${rate}/s over HTTP`, `/s10/${phase}`, sent.accepted);
        ctx.phase(`10 ${fmt(rate)}/s`, sent.startedAt, stats.lastAt);
        const l = stats.latency;
        const toEvents = summarize(stages.delaysTo(Topics.events));
        ctx.log(r.id, `${fmt(rate)}/s p50/p99: request answered ${sent.requestLatency.p50}/${sent.requestLatency.p99} ms, on the events topic ${toEvents.p50}/${toEvents.p99} ms, delivered ${l.p50}/${l.p99} ms`);
        ctx.figure(r, { label: `${fmt(rate)}/s: offered rate achieved`, value: ratePerSecond(sent.sent - 1, sent.lastSentAt - sent.startedAt), unit: '/s' });
        ctx.figure(r, { label: `${fmt(rate)}/s: request to delivery p50`, value: l.p50, unit: 'ms' });
        ctx.figure(r, { label: `${fmt(rate)}/s: request to delivery p99`, value: l.p99, unit: 'ms', ...judged(rate === 200 ? TARGETS.httpP99At200 : undefined, l.p99) });
        ctx.figure(r, { label: `${fmt(rate)}/s: request latency p50`, value: sent.requestLatency.p50, unit: 'ms' });
        ctx.figure(r, { label: `${fmt(rate)}/s: request latency p99`, value: sent.requestLatency.p99, unit: 'ms' });
        ctx.figure(r, { label: `${fmt(rate)}/s: on the events topic (ingest done), p99`, value: toEvents.p99, unit: 'ms' });
        ctx.figure(r, { label: `${fmt(rate)}/s: requests refused`, value: refusedRequests(sent), unit: 'requests' });
      }
    } finally {
      await stages.stop();
      await http.close();
    }
  });
}
