import { z } from 'zod';
import { idSchema } from '../ids';
import { WorkflowCondition } from './conditions';
import { SubscriptionInfo, WebhookAction, WorkflowState } from './workflow';

/*
 * A workflow's history: every change is one or more domain events, the
 * source of truth from which its state is folded (see workflow-definition's
 * decide and evolve). Secrets in an event's data are sealed, as in the state.
 */

/** Who made a change: a tenant's API key, the operator's admin key, or the platform itself (a 410 from delivery, a key rotation, the import). */
export const WorkflowActor = z.object({
  type: z.enum(['api_key', 'admin', 'platform']),
  /** The API key's id; for the platform, what acted (`delivery`, `resealer`, `migration`); null for admin. */
  id: z.string().max(100).nullable(),
});
export type WorkflowActor = z.infer<typeof WorkflowActor>;

/** What an action's configuration is, as the API sets it: no secrets rotated, no disabled state. */
export const ActionConfig = WebhookAction.omit({ signing_secrets: true, previous_secrets_expire_at: true, disabled_at: true, disabled_reason: true });
export type ActionConfig = z.infer<typeof ActionConfig>;

const actionId = idSchema('wfa');
const conditionId = idSchema('wfc');

/** Each event type with its data. One entry per type; the union below is built from it. */
export const WorkflowEventData = {
  /** The first event of a workflow made through the API. */
  'workflow.created': z.object({
    name: z.string(),
    active: z.boolean(),
    conditions: z.array(WorkflowCondition),
    actions: z.array(WebhookAction),
    subscription: SubscriptionInfo.nullable(),
  }),
  /** The first event of a workflow that existed before its history was kept: its state at the time. */
  'workflow.imported': z.object({ state: WorkflowState }),
  'workflow.renamed': z.object({ name: z.string() }),
  'workflow.activated': z.object({}),
  'workflow.deactivated': z.object({}),
  /** With its first signing secret. */
  'action.added': z.object({ action: WebhookAction }),
  /** The new configuration; its secrets and disabled state are unchanged. */
  'action.updated': z.object({ action: ActionConfig }),
  'action.removed': z.object({ action_id: actionId }),
  'condition.added': z.object({ condition: WorkflowCondition }),
  'condition.updated': z.object({ condition: WorkflowCondition }),
  'condition.removed': z.object({ condition_id: conditionId }),
  /** The action's signing secrets after the rotation, newest first. */
  'secret.rotated': z.object({ action_id: actionId, signing_secrets: z.array(z.string()).min(1), previous_secrets_expire_at: z.string().datetime().nullable() }),
  /** The receiver answered 410 Gone at `url`. */
  'endpoint.disabled': z.object({ action_id: actionId, url: z.string(), reason: z.string(), disabled_at: z.string().datetime() }),
  'endpoint.enabled': z.object({ action_id: actionId }),
  /** Every secret sealed anew under the key ring's current key: the values are the same. */
  'secrets.resealed': z.object({
    actions: z.array(
      z.object({ action_id: actionId, headers: z.record(z.string(), z.string()), signature_key: z.string().nullable(), signing_secrets: z.array(z.string()).min(1) }),
    ),
  }),
  'workflow.deleted': z.object({}),
} as const;
export type WorkflowEventType = keyof typeof WorkflowEventData;
export const WORKFLOW_EVENT_TYPES = Object.keys(WorkflowEventData) as WorkflowEventType[];

/** What decide produces: an event's type and data, before it is numbered and stamped. */
export type WorkflowEventBody = { [T in WorkflowEventType]: { type: T; data: z.infer<(typeof WorkflowEventData)[T]> } }[WorkflowEventType];

const envelope = {
  workflow_id: idSchema('wf'),
  tenant_id: z.string().min(1),
  /** 1 for the first event of a workflow, then one more per event: the state's version after this event. */
  version: z.number().int().positive(),
  occurred_at: z.string().datetime(),
  actor: WorkflowActor,
  /** The API request that made the change (its cko-request-id), null when none did. */
  request_id: z.string().max(200).nullable(),
};

const eventOf = <T extends WorkflowEventType>(type: T) => z.object({ ...envelope, type: z.literal(type), data: WorkflowEventData[type] });

export type WorkflowEventEnvelope = z.infer<z.ZodObject<typeof envelope>>;
export type WorkflowEvent = WorkflowEventEnvelope & WorkflowEventBody;

/**
 * A recorded domain event, as stored in workflow_events and published on
 * Topics.workflowEvents. Built from the table above, zod cannot see that
 * each type goes with its own data: the schema is typed with the union it
 * parses to, so a decoded event narrows on its type.
 */
export const WorkflowEvent = z.discriminatedUnion(
  'type',
  WORKFLOW_EVENT_TYPES.map(eventOf) as unknown as [ReturnType<typeof eventOf<WorkflowEventType>>, ...ReturnType<typeof eventOf<WorkflowEventType>>[]],
) as unknown as z.ZodType<WorkflowEvent>;

/** One field's change in a history entry: secrets masked in `from` and `to`; absent where the field did not exist. */
export const FieldChange = z.object({
  /** e.g. `name`, `actions[wfa_…].url`, `actions[wfa_…].headers.X-Api-Key`, `conditions[wfc_…].events`. */
  field: z.string(),
  from: z.unknown().optional(),
  to: z.unknown().optional(),
});
export type FieldChange = z.infer<typeof FieldChange>;

/** GET /workflows/{id}/history: one entry per domain event, newest first. */
export const WorkflowHistoryEntry = z.object({
  version: z.number().int().positive(),
  type: z.enum(WORKFLOW_EVENT_TYPES as [WorkflowEventType, ...WorkflowEventType[]]),
  occurred_at: z.string().datetime(),
  actor: WorkflowActor,
  request_id: z.string().nullable(),
  changes: z.array(FieldChange),
});
export type WorkflowHistoryEntry = z.infer<typeof WorkflowHistoryEntry>;

/** workflow-config's answer to the gateway: a page of entries, newest first, and the cursor of the next (older) page. */
export const WorkflowHistoryPage = z.object({ data: z.array(WorkflowHistoryEntry), next_cursor: z.string().nullable() });
export type WorkflowHistoryPage = z.infer<typeof WorkflowHistoryPage>;

/** GET /workflows/{id}/history pages with `limit` (1-100, default 20) and `cursor`. */
export const WorkflowHistoryPaging = { defaultLimit: 20, maxLimit: 100 } as const;
