import { randomBytes } from 'node:crypto';
import type { DeliveryJob } from '@hookstream/contracts';
import { sampleDeliveryJob } from '@hookstream/testing';

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

/** A first-attempt job as the matcher would schedule it, with its own subject and a fresh secret. */
export function deliveryJob(spec: JobSpec): DeliveryJob {
  return sampleDeliveryJob({
    event: { subject_id: `pay_${randomBytes(8).toString('hex')}`, data: { amount: 1000, currency: 'EUR' }, ...spec.event },
    action: { url: spec.url, signing_secrets: [signingSecret()], ...(spec.actionId ? { id: spec.actionId } : {}), ...spec.action },
    ...(spec.workflowId ? { workflow_id: spec.workflowId } : {}),
    subscription: spec.subscription ?? null,
    ...(spec.dueAt ? { due_at: spec.dueAt.toISOString() } : {}),
  });
}
