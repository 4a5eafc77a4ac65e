import { Contracts, DelayTiers, DelayTierSpec, DeliveryJob, MessageContract } from '@hookstream/contracts';
import { AttemptRecord, buildOutcome, nextAttemptJob, tierFor } from '@hookstream/delivery-domain';
import { TierHeaders } from './delivery-settings';
import { Outbox } from './outbox';

export type TierReason = 'retry' | 'handoff' | 'deferred' | 'scheduled';

/** Each delay tier carries DeliveryJob values. */
export const tierContracts: ReadonlyMap<string, MessageContract<typeof DeliveryJob> & { topic: DelayTierSpec }> = new Map(
  DelayTiers.map((tier) => [tier.name, { topic: tier, schema: DeliveryJob }]),
);

/** Queues a job on the tier that fits the time left until it is due. */
export function enqueueDelayed(outbox: Outbox, job: DeliveryJob, nowMs: number, reason: TierReason, headers: Record<string, string> = {}): DelayTierSpec {
  const dueMs = job.due_at ? Date.parse(job.due_at) : nowMs;
  const tier = tierFor(DelayTiers, dueMs - nowMs);
  const contract = tierContracts.get(tier.name);
  if (!contract) throw new Error(`no contract for tier ${tier.name}`);
  outbox.add(contract, { key: job.action.id, value: job, headers: { ...headers, [TierHeaders.reason]: reason } });
  return tier;
}

/**
 * What an attempt leaves behind: its outcome (always), then the next
 * attempt on a delay tier, or a dead letter when nothing follows a failure,
 * and an endpoint-disabled notice on 410.
 */
export function addFollowUps(outbox: Outbox, record: AttemptRecord, nowMs: number): void {
  const { job, next } = record;
  outbox.add(Contracts.deliveryOutcomes, { key: job.event.id, value: buildOutcome(record) });
  if (next.kind === 'retry') {
    enqueueDelayed(outbox, nextAttemptJob(job, next, record.result.kind === 'failure' && record.result.failure === 'circuit_open'), nowMs, 'retry');
    return;
  }
  if (next.kind !== 'give_up') return;
  const at = new Date(nowMs).toISOString();
  outbox.add(Contracts.deliveryDeadLetter, { key: job.action.id, value: { job, reason: next.reason, dead_lettered_at: at } });
  if (next.disableEndpoint) {
    outbox.add(Contracts.endpointDisabled, {
      key: job.workflow_id,
      value: { tenant_id: job.tenant_id, workflow_id: job.workflow_id, action_id: job.action.id, url: job.target_url, reason: next.reason, disabled_at: at },
    });
  }
}
