import type { DeliveryJob } from '@hookstream/contracts';
import { cloudEventSource } from './cloudevents.payload';

/**
 * CAF's webhook body, exactly: a CloudEvents 1.0 JSON object whose data is
 * {transactionId, workflowId, status, date}. transactionId, workflowId and
 * status come from the event's data when the producer sent them (CAF's own
 * fields); otherwise the subject id, our workflow id, and the status the
 * event type names (TransactionFinished -> FINISHED). `date` is when this
 * request is sent, so receivers can order out-of-order deliveries. `source`
 * is CAF's URI, as for every CloudEvents format (see cloudEventSource).
 */
export function cafPayload(job: DeliveryJob, sentAt: Date): Record<string, unknown> {
  const { event } = job;
  return {
    id: event.id,
    time: event.timestamp,
    type: event.type,
    source: cloudEventSource(event),
    specversion: '1.0',
    data: {
      transactionId: text(event.data.transactionId) ?? event.subject_id,
      workflowId: text(event.data.workflowId) ?? job.workflow_id,
      status: text(event.data.status) ?? statusFromType(event.type),
      date: sentAt.toISOString(),
    },
  };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function statusFromType(type: string): string {
  const rest = type.replace(/^Transaction/, '') || type;
  return rest.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[.\s-]+/g, '_').toUpperCase();
}
