// Matching cost per event with 10, 1,000 and 100,000 active workflows, most
// of which cannot match (other types and tenants). Run:
//   node -r ./tools/ts-register.js libs/matching-domain/bench/workflow-index.bench.ts
import { CanonicalEvent, newId, WorkflowState } from '@hookstream/contracts';
import { deliveryJobsFor, WorkflowIndex } from '../src';

const TYPES = ['payment_approved', 'payment_declined', 'payment_captured', 'payment_refunded', 'payment_voided', 'dispute_won', 'dispute_lost'];

function workflow(i: number, matching: boolean): WorkflowState {
  return {
    id: newId('wf'),
    tenant_id: matching ? 'ten_bench' : `ten_${i % 500}`,
    name: `w${i}`,
    active: true,
    version: 1,
    conditions: [
      { id: newId('wfc'), type: 'event', events: { gateway: matching ? ['payment_approved'] : [TYPES[1 + (i % (TYPES.length - 1))]] } },
      ...(i % 3 === 0 ? [{ id: newId('wfc'), type: 'entity' as const, entities: ['ent_bench', `ent_${i}`] }] : []),
    ],
    actions: [
      {
        id: newId('wfa'),
        type: 'webhook',
        url: `https://receiver.example/${i}`,
        headers: {},
        format: 'checkout',
        cloudevents_mode: 'structured',
        retry_policy: 'checkout',
        timeout_ms: 10_000,
        signing_secrets: ['whsec_c2VjcmV0'],
        disabled_at: null,
        disabled_reason: null,
      },
    ],
    subscription: null,
    updated_at: new Date().toISOString(),
  };
}

const event: CanonicalEvent = {
  id: newId('evt'),
  tenant_id: 'ten_bench',
  source: 'gateway',
  type: 'payment_approved',
  subject_id: 'pay_bench',
  entity_id: 'ent_bench',
  processing_channel_id: 'pc_bench',
  timestamp: new Date().toISOString(),
  version: '1.0.0',
  data: { amount: 100 },
  metadata: {},
  received_at: new Date().toISOString(),
};

function measure(total: number): { nsPerEvent: number; jobsPerEvent: number; buildMs: number } {
  const index = new WorkflowIndex();
  const started = process.hrtime.bigint();
  // One workflow of each size matches the event; the rest cannot.
  for (let i = 0; i < total; i++) {
    const w = workflow(i, i === 0);
    index.apply(w.id, w);
  }
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6;
  const now = new Date();
  const iterations = 200_000;
  let jobs = 0;
  for (let i = 0; i < 20_000; i++) jobs += deliveryJobsFor(event, index.match(event), { now }).length; // warm-up
  jobs = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) jobs += deliveryJobsFor(event, index.match(event), { now }).length;
  const ns = Number(process.hrtime.bigint() - t0) / iterations;
  return { nsPerEvent: ns, jobsPerEvent: jobs / iterations, buildMs };
}

const rows = [10, 1_000, 100_000].map((n) => ({ workflows: n, ...measure(n) }));
const base = rows[0].nsPerEvent;
for (const r of rows) {
  process.stdout.write(
    `${String(r.workflows).padStart(7)} workflows: ${(r.nsPerEvent / 1000).toFixed(2)} µs/event (match + job), ` +
      `${r.jobsPerEvent} job/event, ${(r.nsPerEvent / base).toFixed(2)}x of 10, index built in ${r.buildMs.toFixed(0)} ms\n`,
  );
}
