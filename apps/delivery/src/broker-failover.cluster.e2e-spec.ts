import { Topics, type TopicSpec } from '@hookstream/contracts';
import type { KafkaConnection, PartitionState } from '@hookstream/messaging';
import { HttpReceiver, KafkaCluster, keysCoveringPartitions, TestPlatform, waitFor } from '@hookstream/testing';

/** Events of the load, 80 a second: a third published before the kills, the rest while leaders move. */
const EVENTS = 1200;
const BATCH = 20;
const PACE_MS = 250;
const PATH = '/hooks';

/** The topics every event crosses, and the group coordinators' own. */
const DATA_PATH: readonly TopicSpec[] = [Topics.producerEvents, Topics.events, Topics.workflowConfig, Topics.deliveryJobs, Topics.deliveryOutcomes];
const OFFSETS_TOPIC = '__consumer_offsets';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The platform on a 3-broker cluster, its topics at 3 replicas and
 * min.insync.replicas 2, two matchers and two deliveries: under load, one
 * broker and one delivery process are killed with SIGKILL. Every event must
 * still reach the receiver (at least once); duplicates and the time the
 * partitions took to get new leaders, and their replicas back, are reported.
 */
describe('a broker and a delivery replica killed under load', () => {
  const cluster = new KafkaCluster(3);
  const receiver = new HttpReceiver();
  let platform: TestPlatform;
  let kafka: KafkaConnection;

  const bodyOf = (r: { rawBody: string }) => JSON.parse(r.rawBody) as { data: { seq?: number; warmup?: string } };

  const publish = async (events: { id: string; subject: string; data: Record<string, unknown> }[]) => {
    const messages = events.map((e) => ({
      key: e.subject,
      value: JSON.stringify({ id: e.id, source: 'gateway', type: 'payment_approved', tenant: platform.tenantId, subject_id: e.subject, data: e.data }),
    }));
    // A send that fails while leaders move is sent again: ingest dedupes on the producer's id.
    for (let attempt = 1; ; attempt++) {
      try {
        return await kafka.publisher.publishEncoded(Topics.producerEvents, messages);
      } catch (err) {
        if (attempt >= 30) throw err;
        await sleep(1000);
      }
    }
  };

  const states = async (): Promise<PartitionState[]> => kafka.partitionStates([...DATA_PATH.map((t) => kafka.topic(t)), OFFSETS_TOPIC]);

  /** Polls the partitions' state until `done` holds; returns the milliseconds it took. Metadata calls that meet the dead broker are tried again. */
  const timeUntil = async (from: number, done: (partitions: PartitionState[]) => boolean, what: string): Promise<number> => {
    await waitFor(async () => done(await states()), { timeoutMs: 180_000, intervalMs: 250, what });
    return Date.now() - from;
  };

  beforeAll(async () => {
    await cluster.up();
    await receiver.start();
    platform = new TestPlatform({
      label: 'cluster',
      env: { KAFKA_BROKERS: cluster.brokers, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '2', RETRY_TIME_SCALE: '0.01' },
      replicas: { matcher: 2, delivery: 2 },
    });
    await platform.start();
    kafka = await platform.kafka('cluster-load', [Topics.producerEvents]);
    const created = await platform.api('POST', '/workflows', {
      name: 'every approved payment',
      conditions: [{ type: 'event', events: { gateway: ['payment_approved'] } }],
      actions: [{ type: 'webhook', url: receiver.url(PATH) }],
    });
    expect(created.status).toBe(201);
    // One event on every partition of the events topic, until each is delivered: both matchers have the workflow.
    for (const subject of keysCoveringPartitions('pay_warmup_', Topics.events.partitions)) {
      await waitFor(
        async () => {
          await publish([{ id: `${subject}-${Date.now()}`, subject, data: { warmup: subject } }]);
          return waitFor(() => receiver.on(PATH).some((r) => bodyOf(r).data.warmup === subject), { timeoutMs: 5000 }).catch(() => false);
        },
        { timeoutMs: 120_000, what: `a delivery of the warm-up event on ${subject}` },
      );
    }
  }, 420_000);

  afterAll(async () => {
    await kafka?.disconnect();
    await platform?.stop();
    await receiver.stop();
    // Pass or fail: the cluster's nodes and data go.
    await cluster.down({ purge: true });
  }, 120_000);

  it('creates every topic with 3 replicas and min.insync.replicas 2, as the env says', async () => {
    for (const spec of DATA_PATH) {
      expect({ topic: spec.name, minInsync: (await kafka.topicOverrides(spec)).get('min.insync.replicas') }).toEqual({ topic: spec.name, minInsync: '2' });
    }
    const partitions = await states();
    expect(partitions.filter((p) => p.replicas.length !== 3 || p.isr.length !== 3)).toEqual([]);
  });

  it('delivers every event at least once through the kills', async () => {
    const startedAt = Date.now();
    let published = 0;
    const load = (async () => {
      for (let from = 0; from < EVENTS; from += BATCH) {
        const seqs = Array.from({ length: Math.min(BATCH, EVENTS - from) }, (_, i) => from + i);
        await publish(seqs.map((seq) => ({ id: `load-${seq}`, subject: `pay_cluster_${seq}`, data: { seq } })));
        published = from + seqs.length;
        await sleep(PACE_MS);
      }
    })();

    await waitFor(() => published >= EVENTS / 3, { timeoutMs: 180_000, what: 'a third of the load published' });
    // The broker that leads the most partitions: the most leaders to move.
    const leads = new Map<number, number>();
    for (const p of await states()) leads.set(p.leader, (leads.get(p.leader) ?? 0) + 1);
    const victim = [...leads.entries()].sort((a, b) => b[1] - a[1])[0][0];
    const killedAt = Date.now();
    await cluster.kill(victim);
    await platform.replicas('delivery')[1].kill();
    const deliveredAtKill = new Set(receiver.on(PATH).map((r) => bodyOf(r).data.seq).filter((s) => s !== undefined)).size;

    const leadersMovedMs = await timeUntil(killedAt, (ps) => ps.every((p) => p.leader >= 0 && p.leader !== victim), `new leaders for broker ${victim}'s partitions`);
    const restartedAt = Date.now();
    await cluster.up();
    const isrBackMs = await timeUntil(restartedAt, (ps) => ps.every((p) => p.isr.length === p.replicas.length), 'every replica back in sync');
    await load;

    const delivered = () => new Set(receiver.on(PATH).map((r) => bodyOf(r).data.seq).filter((s) => s !== undefined));
    await waitFor(() => delivered().size >= EVENTS, { timeoutMs: 300_000, intervalMs: 500, what: `all ${EVENTS} events delivered (${delivered().size} so far)` }).catch(() => undefined);

    const seen = delivered();
    const lost = Array.from({ length: EVENTS }, (_, seq) => seq).filter((seq) => !seen.has(seq));
    const loadRequests = receiver.on(PATH).filter((r) => bodyOf(r).data.seq !== undefined);
    const invocations = new Map<string, number>();
    for (const r of loadRequests) invocations.set(r.headers['webhook-id'], (invocations.get(r.headers['webhook-id']) ?? 0) + 1);
    const duplicates = loadRequests.length - invocations.size;
    process.stdout.write(
      [
        '',
        `[cluster] ${EVENTS} events; broker ${victim} (leader of ${leads.get(victim)} partitions) and delivery replica 2 killed with SIGKILL after ${deliveredAtKill} deliveries`,
        `[cluster] lost ${lost.length}; duplicates ${duplicates} (${[...invocations.values()].filter((n) => n > 1).length} invocations delivered more than once) in ${loadRequests.length} requests`,
        `[cluster] new leaders for every partition ${(leadersMovedMs / 1000).toFixed(1)} s after the kill; all replicas in sync ${(isrBackMs / 1000).toFixed(1)} s after the broker's restart began`,
        `[cluster] the last event delivered ${((Math.max(...loadRequests.map((r) => r.receivedAt)) - startedAt) / 1000).toFixed(1)} s after the load began`,
        '',
      ].join('\n'),
    );
    expect(lost).toEqual([]);
    // Each event is one invocation (one workflow, one action): its webhook-id never changes across retries.
    expect(invocations.size).toBe(EVENTS);
  }, 900_000);
});
