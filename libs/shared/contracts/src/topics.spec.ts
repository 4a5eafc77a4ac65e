import { DelayTiers, rejectedMessagesTopic, settledHandoffKey, Topics } from './topics';

describe('Topics', () => {
  it('name every dead-letter topic of unreadable messages by one rule, apart from exhausted jobs', () => {
    const rejected = Object.values(Topics).filter((t) => t.name.includes('.rejected.'));
    expect(rejected.map((t) => t.name).sort()).toEqual(['config', 'delivery', 'ingest', 'matcher', 'projection'].map((owner) => rejectedMessagesTopic(owner).name));
    expect(rejected.every((t) => /^[a-z]+\.message\.rejected\.v1$/.test(t.name))).toBe(true);
    expect(Topics.deliveryExhausted.name).toBe('delivery.job.exhausted.v1');
  });

  it('key the retry tiers as the jobs topic, so a job keeps its ordering unit through every tier', () => {
    const job = { action: { id: 'wfa_1' } } as Parameters<typeof Topics.deliveryJobs.key>[0];
    expect(new Set(DelayTiers.map((tier) => tier.key(job)))).toEqual(new Set([Topics.deliveryJobs.key(job)]));
    expect(new Set(DelayTiers.map((tier) => tier.partitions))).toEqual(new Set([Topics.deliveryJobs.partitions]));
  });

  it("key a settled handoff as delivery's ledger remembers it", () => {
    expect(Topics.deliveryHandoffs.key({ invocation_id: 'ivc_1', attempt: 3, settled_at: '2026-01-01T00:00:00.000Z' })).toBe(settledHandoffKey('ivc_1', 3));
  });
});
