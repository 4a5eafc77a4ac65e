import { DeliveryJob, deterministicId, newId } from '@hookstream/contracts';

export const SECRET_A = `whsec_${Buffer.from('a-signing-secret-of-24-bytes!!').toString('base64')}`;
export const SECRET_B = `whsec_${Buffer.from('the-rotated-in-secret-32-bytes!!').toString('base64')}`;

/** A valid job, parsed by the contract so defaults are applied as in production. */
export function deliveryJob(overrides: { action?: Record<string, unknown>; event?: Record<string, unknown> } & Record<string, unknown> = {}): DeliveryJob {
  const { action, event, ...rest } = overrides;
  const eventId = newId('evt');
  const workflowId = newId('wf');
  const actionId = newId('wfa');
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
      subject_id: 'pay_wlu3wxc26jounofs5iez75qaqa',
      entity_id: null,
      processing_channel_id: null,
      timestamp: '2024-05-01T10:00:00.000Z',
      version: '1.0.0',
      data: { id: 'pay_wlu3wxc26jounofs5iez75qaqa', amount: 1000, currency: 'EUR' },
      metadata: {},
      received_at: '2024-05-01T10:00:00.100Z',
      ...event,
    },
    action: { id: actionId, type: 'webhook', url: 'https://example.com/hook', signing_secrets: [SECRET_A], ...action },
    target_url: (action?.url as string | undefined) ?? 'https://example.com/hook',
    attempt: 1,
    scheduled_at: '2024-05-01T10:00:00.200Z',
    ...rest,
  });
}
