import type { DeliveryJob, PayloadFormat } from '@hookstream/contracts';

/**
 * Formats whose receiver an event may name. CAF sends each transaction's
 * result to the URL its producer gave (metadata.webhookUrl); every other
 * format delivers only where the tenant configured, so a producer cannot
 * redirect a tenant's webhooks.
 */
const AcceptsUrlOverride = {
  checkout: false,
  cloudevents: false,
  caf: true,
  mycashflow: false,
} as const satisfies Record<PayloadFormat, boolean>;

export interface DeliveryTarget {
  url: string;
  /** The event, not the tenant, chose this URL: the action's custom headers (its credentials) are not sent there. */
  eventChosen: boolean;
}

/** Where one job's attempts go: the event's metadata.webhook_url for an action whose format accepts it, else the action's URL. */
export function deliveryTarget(job: Pick<DeliveryJob, 'event' | 'action'>): DeliveryTarget {
  const { action } = job;
  const override = job.event.metadata.webhook_url;
  if (override === undefined || override === action.url || !AcceptsUrlOverride[action.format]) return { url: action.url, eventChosen: false };
  return { url: override, eventChosen: true };
}
