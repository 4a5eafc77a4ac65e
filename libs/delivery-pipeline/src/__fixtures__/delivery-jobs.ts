import { randomBytes } from 'node:crypto';
import { DeliveryJob, deterministicId, newId } from '@hookstream/contracts';

export function signingSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

export interface JobSpec {
  url: string;
  action?: Partial<DeliveryJob['action']>;
  event?: Partial<DeliveryJob['event']>;
  subscription?: DeliveryJob['subscription'];
  /** Reuse an action (its id, hence its partition) across jobs. */
  actionId?: string;
  workflowId?: string;
  dueAt?: Date;
}

/** A first-attempt job as the matcher would schedule it, valid per the contract. */
export function deliveryJob(spec: JobSpec): DeliveryJob {
  const now = new Date().toISOString();
  const eventId = newId('evt');
  const workflowId = spec.workflowId ?? newId('wf');
  const actionId = spec.actionId ?? newId('wfa');
  return DeliveryJob.parse({
    invocation_id: deterministicId('ivc', eventId, workflowId, actionId),
    tenant_id: 'ten_test',
    workflow_id: workflowId,
    workflow_version: 1,
    event: {
      id: eventId,
      tenant_id: 'ten_test',
      source: 'gateway',
      type: 'payment_approved',
      subject_id: `pay_${randomBytes(8).toString('hex')}`,
      entity_id: null,
      processing_channel_id: null,
      timestamp: now,
      version: '1.0.0',
      data: { amount: 1000, currency: 'EUR' },
      metadata: {},
      received_at: now,
      ...spec.event,
    },
    action: { id: actionId, type: 'webhook', url: spec.url, signing_secrets: [signingSecret()], ...spec.action },
    subscription: spec.subscription ?? null,
    target_url: spec.url,
    attempt: 1,
    ...(spec.dueAt ? { due_at: spec.dueAt.toISOString() } : {}),
    scheduled_at: now,
  });
}
