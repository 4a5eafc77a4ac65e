import type { DeliveryJob } from '@hookstream/contracts';
import { DeliveryJobOverrides, sampleDeliveryJob } from '@hookstream/testing';

export const SECRET_A = `whsec_${Buffer.from('a-signing-secret-of-24-bytes!!').toString('base64')}`;
export const SECRET_B = `whsec_${Buffer.from('the-rotated-in-secret-32-bytes!!').toString('base64')}`;

/** A valid job with fixed times and subject (payload specs compare exact bodies), signed with SECRET_A. */
export function deliveryJob(overrides: DeliveryJobOverrides = {}): DeliveryJob {
  const { action, event, ...rest } = overrides;
  const url = action?.url ?? 'https://example.com/hook';
  return sampleDeliveryJob({
    event: {
      subject_id: 'pay_wlu3wxc26jounofs5iez75qaqa',
      timestamp: '2024-05-01T10:00:00.000Z',
      data: { id: 'pay_wlu3wxc26jounofs5iez75qaqa', amount: 1000, currency: 'EUR' },
      received_at: '2024-05-01T10:00:00.100Z',
      ...event,
    },
    action: { url, signing_secrets: [SECRET_A], ...action },
    scheduled_at: '2024-05-01T10:00:00.200Z',
    ...rest,
  });
}
