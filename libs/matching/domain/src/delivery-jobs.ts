import { CanonicalEvent, deterministicId, DeliveryJob, WorkflowState } from '@hookstream/contracts';

export interface JobOptions {
  now: Date;
  reflow?: boolean;
}

/**
 * One job per enabled webhook action of each matched workflow. The invocation
 * id is derived from (event, workflow, action), so retries and reflows of the
 * same pair add attempts to one invocation.
 */
export function deliveryJobsFor(event: CanonicalEvent, workflows: readonly WorkflowState[], options: JobOptions): DeliveryJob[] {
  const scheduledAt = options.now.toISOString();
  const jobs: DeliveryJob[] = [];
  for (const workflow of workflows) {
    for (const action of workflow.actions) {
      if (action.disabled_at !== null) continue;
      jobs.push({
        invocation_id: deterministicId('ivc', event.id, workflow.id, action.id),
        tenant_id: event.tenant_id,
        event,
        workflow_id: workflow.id,
        workflow_version: workflow.version,
        action,
        subscription: workflow.subscription,
        attempt: 1,
        scheduled_at: scheduledAt,
        // A /test sample comes the reflow way but is a new event: its first attempt is no retry.
        ...(options.reflow && event.metadata.test !== true ? { reflow: true } : {}),
      });
    }
  }
  return jobs;
}

/**
 * The most a job may take as JSON: the broker refuses a message past 1 MiB
 * (message.max.bytes), with a little room left for the record's framing.
 */
export const MAX_JOB_BYTES = 1_000_000;

export interface SizedJob {
  job: DeliveryJob;
  bytes: number;
}

/**
 * A job's size as the JSON the jobs topic carries, from its event's size
 * measured once: every job of an event embeds the same event.
 */
export function jobBytes(job: DeliveryJob, eventBytes: number): number {
  return Buffer.byteLength(JSON.stringify({ ...job, event: null })) - 'null'.length + eventBytes;
}

/** The jobs that fit one Kafka message, and those that never will (each a dead letter, not a stalled partition). */
export function sortBySize(jobs: readonly DeliveryJob[], eventBytes: number, maxBytes = MAX_JOB_BYTES): { fitting: SizedJob[]; oversized: SizedJob[] } {
  const fitting: SizedJob[] = [];
  const oversized: SizedJob[] = [];
  for (const job of jobs) {
    const sized = { job, bytes: jobBytes(job, eventBytes) };
    (sized.bytes > maxBytes ? oversized : fitting).push(sized);
  }
  return { fitting, oversized };
}
