import { CanonicalEvent, deterministicId, DeliveryJob, WorkflowState } from '@hookstream/contracts';

export interface JobOptions {
  now: Date;
  reflow?: boolean;
}

/**
 * One job per enabled webhook action of each matched workflow. The invocation
 * id is derived from (event, workflow, action), so retries and reflows of the
 * same pair add attempts to one invocation. A CAF-style metadata.webhook_url
 * on the event overrides every action's URL.
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
        target_url: event.metadata.webhook_url ?? action.url,
        attempt: 1,
        scheduled_at: scheduledAt,
        ...(options.reflow ? { reflow: true } : {}),
      });
    }
  }
  return jobs;
}
