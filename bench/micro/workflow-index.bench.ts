// Matching cost per event with 10, 1,000 and 100,000 active workflows, of
// which one matches the event and the rest cannot. Run:
//   node -r ./tools/ts-register.js bench/micro/workflow-index.bench.ts
// (memory: workflow-index-memory.bench.ts)
//
// Shapes of the workflows that cannot match:
//   spread      other tenants (500) and other event types
//   one-tenant  the event's own tenant and event type, each for another entity
//               (a platform with one workflow per sub-merchant)
// Each row: µs per event for index.match alone and for match + delivery jobs.
import { CanonicalEvent, deterministicId, WorkflowState } from '@hookstream/contracts';
import { deliveryJobsFor, WorkflowIndex } from '@hookstream/matching-domain';

const TYPES = ['payment_declined', 'payment_captured', 'payment_refunded', 'payment_voided', 'dispute_won', 'dispute_lost'];
type Shape = 'spread' | 'one-tenant';

const event: CanonicalEvent = {
  id: deterministicId('evt', 'bench'),
  tenant_id: 'ten_bench',
  source: 'gateway',
  type: 'payment_approved',
  subject_id: 'pay_bench',
  entity_id: 'ent_0',
  processing_channel_id: 'pc_bench',
  timestamp: new Date().toISOString(),
  version: '1.0.0',
  data: { amount: 100 },
  metadata: {},
  received_at: new Date().toISOString(),
};

function workflow(i: number, shape: Shape): WorkflowState {
  const matching = i === 0;
  const spread = shape === 'spread' && !matching;
  return {
    id: deterministicId('wf', shape, String(i)),
    tenant_id: spread ? `ten_${i % 500}` : event.tenant_id,
    name: `w${i}`,
    active: true,
    version: 1,
    conditions: [
      { id: deterministicId('wfc', shape, String(i), 'e'), type: 'event', events: { gateway: spread ? [TYPES[i % TYPES.length]] : [event.type] } },
      ...(shape === 'one-tenant' || i % 3 === 0 ? [{ id: deterministicId('wfc', shape, String(i), 'n'), type: 'entity' as const, entities: [`ent_${i}`] }] : []),
    ],
    actions: [
      {
        id: deterministicId('wfa', shape, String(i)),
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

function nsPer(iterations: number, run: () => number): { ns: number; result: number } {
  for (let i = 0; i < iterations / 10; i++) run(); // warm-up
  let result = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) result += run();
  return { ns: Number(process.hrtime.bigint() - t0) / iterations, result: result / iterations };
}

function measure(total: number, shape: Shape) {
  const states = Array.from({ length: total }, (_, i) => workflow(i, shape));
  const index = new WorkflowIndex();
  const t0 = process.hrtime.bigint();
  for (const w of states) index.apply(w.id, w);
  const buildMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const now = new Date();
  const match = nsPer(200_000, () => index.match(event).length);
  const withJobs = nsPer(200_000, () => deliveryJobsFor(event, index.match(event), { now }).length);
  return { total, shape, buildMs, matchNs: match.ns, jobsNs: withJobs.ns, matched: match.result };
}

process.stdout.write(`node ${process.version}, ${process.arch}\n`);
for (const shape of ['spread', 'one-tenant'] as const) {
  for (const total of [10, 1_000, 100_000]) {
    const r = measure(total, shape);
    process.stdout.write(
      `${r.shape.padEnd(10)} ${String(r.total).padStart(7)} workflows: match ${(r.matchNs / 1000).toFixed(2)} µs/event, ` +
        `match + jobs ${(r.jobsNs / 1000).toFixed(2)} µs/event, ${r.matched} matched, index built in ${r.buildMs.toFixed(0)} ms\n`,
    );
  }
}
