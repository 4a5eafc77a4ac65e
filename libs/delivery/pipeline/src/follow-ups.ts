import { DelayTiers, DelayTierSpec, DeliveryJob, storableText, Topics } from '@hookstream/contracts';
import { AttemptRecord, buildOutcome, deliveryTarget, jobIdentity, nextAttemptJob, tierFor } from '@hookstream/delivery-domain';
import { DeadLetterHeaders } from '@hookstream/messaging';
import { TierHeaders } from './delivery-settings';
import { Outbox } from './outbox';

export type TierReason = 'retry' | 'handoff' | 'deferred' | 'scheduled';

/** Queues a job on the tier that fits the time left until it is due. */
export function enqueueDelayed(outbox: Outbox, job: DeliveryJob, nowMs: number, reason: TierReason, headers: Record<string, string> = {}): DelayTierSpec {
  const dueMs = job.due_at ? Date.parse(job.due_at) : nowMs;
  if (!Number.isFinite(dueMs)) throw new RangeError(`due_at '${job.due_at}' is no date`);
  const tier = tierFor(DelayTiers, dueMs - nowMs);
  outbox.add(tier, job, { ...headers, [TierHeaders.reason]: reason });
  return tier;
}

/**
 * What an attempt leaves behind: its outcome (always), then the next
 * attempt on a delay tier, or a dead letter when nothing follows a failure,
 * and an endpoint-disabled notice on 410.
 */
export function addFollowUps(outbox: Outbox, record: AttemptRecord, nowMs: number): void {
  const { job, next } = record;
  outbox.add(Topics.deliveryOutcomes, buildOutcome(record));
  if (next.kind === 'retry') {
    enqueueDelayed(outbox, nextAttemptJob(job, next), nowMs, 'retry');
    return;
  }
  if (next.kind !== 'give_up') return;
  const at = new Date(nowMs).toISOString();
  outbox.add(Topics.deliveryExhausted, { job, reason: next.reason, dead_lettered_at: at });
  if (next.disableEndpoint) {
    outbox.add(Topics.endpointDisabled, { tenant_id: job.tenant_id, workflow_id: job.workflow_id, action_id: job.action.id, url: deliveryTarget(job).url, reason: next.reason, disabled_at: at });
  }
}

/**
 * Adds what `fill` builds for one job, all or nothing; if building any of it
 * throws, the job goes to its dead end instead (see addDeadEnd). Returns the
 * error in that case, for the caller to log.
 */
export function addForJob(outbox: Outbox, job: DeliveryJob, nowMs: number, fill: (staged: Outbox) => void, record?: AttemptRecord): unknown {
  const staged = new Outbox();
  try {
    fill(staged);
    outbox.absorb(staged);
    return undefined;
  } catch (err) {
    addDeadEnd(outbox, job, `follow-up could not be built: ${describeError(err)}`, nowMs, record);
    return err;
  }
}

export function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Where a job ends when what should follow it cannot be built or sent (its
 * follow-up fails its contract, its next due time is no date, its event
 * cannot be serialised): an outcome saying why, where the attempt allows one,
 * and the job dead-lettered with the reason, so that it fails alone and its
 * batch commits. Should even the dead letter fail its contract, a summary
 * goes to the rejected topic. Never throws.
 */
export function addDeadEnd(outbox: Outbox, job: DeliveryJob, reason: string, nowMs: number, record?: AttemptRecord): void {
  const at = new Date(nowMs).toISOString();
  const why = storableText(reason, 2_000);
  if (record) {
    const outcome = new Outbox();
    try {
      outcome.add(Topics.deliveryOutcomes, { ...buildOutcome({ ...record, next: { kind: 'give_up', reason: why, disableEndpoint: false } }), error_message: why });
      outbox.absorb(outcome);
    } catch {
      // The dead letter below still says why.
    }
  }
  try {
    outbox.add(Topics.deliveryExhausted, { job, reason: why, dead_lettered_at: at });
  } catch (err) {
    const summary = { ...jobIdentity(job), reason: why };
    const detail = `${why}; the job itself could not be dead-lettered: ${err instanceof Error ? err.message : String(err)}`;
    outbox.addUnchecked(Topics.deliveryRejected, {
      key: Topics.deliveryJobs.key(job),
      value: summary,
      headers: { [DeadLetterHeaders.reason]: storableText(detail, 2_000), [DeadLetterHeaders.at]: at },
    });
  }
}
