import { z } from 'zod';
import { Topics, TopicSpec } from './topics';
import { CanonicalEvent, ReflowRequest } from './messages/event';
import { DeliveryDeadLetter, DeliveryJob, DeliveryOutcome, SettledHandoff } from './messages/delivery';
import { EndpointDisabled, WorkflowConfigMessage } from './messages/workflow';

/** A topic and the one schema its values must satisfy, for producer and consumer alike. */
export interface MessageContract<S extends z.ZodType = z.ZodType> {
  readonly topic: TopicSpec;
  readonly schema: S;
}

export type MessageOf<C extends MessageContract> = z.infer<C['schema']>;

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** JSON bytes -> validated value, or the reason it is not one. Never throws. */
export function decodeMessage<S extends z.ZodType>(contract: MessageContract<S>, bytes: Buffer | null): DecodeResult<z.infer<S>> {
  let json: unknown = null;
  if (bytes !== null && bytes.length > 0) {
    try {
      json = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      return { ok: false, reason: `invalid JSON: ${(err as Error).message}` };
    }
  }
  const result = contract.schema.safeParse(json);
  if (!result.success) return { ok: false, reason: describeIssues(result.error) };
  return { ok: true, value: result.data };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

export const Contracts = {
  events: { topic: Topics.events, schema: CanonicalEvent },
  workflowConfig: { topic: Topics.workflowConfig, schema: WorkflowConfigMessage },
  deliveryJobs: { topic: Topics.deliveryJobs, schema: DeliveryJob },
  deliveryOutcomes: { topic: Topics.deliveryOutcomes, schema: DeliveryOutcome },
  deliveryDeadLetter: { topic: Topics.deliveryDeadLetter, schema: DeliveryDeadLetter },
  endpointDisabled: { topic: Topics.endpointDisabled, schema: EndpointDisabled },
  deliveryHandoffs: { topic: Topics.deliveryHandoffs, schema: SettledHandoff },
  reflowRequests: { topic: Topics.reflowRequests, schema: ReflowRequest },
} as const satisfies Record<string, MessageContract>;
