import type { FieldChange, SubscriptionInfo, WorkflowActor, WorkflowEvent, WorkflowEventBody, WorkflowState } from '@hookstream/contracts';
import type { ChangeContext, EndpointGone } from './workflow-changes';
import type { ActionInput, ConditionInput, WorkflowInput, WorkflowPatch } from './workflow-input';

// SKELETON (issue 16): signatures agreed between the helpers; bodies to be written.

/** What a tenant, an operator or the platform asks of one workflow. */
export type WorkflowCommand =
  | { type: 'create'; tenant_id: string; input: WorkflowInput; subscription: SubscriptionInfo | null }
  | { type: 'patch'; patch: WorkflowPatch }
  | { type: 'add_action'; input: ActionInput }
  | { type: 'replace_action'; action_id: string; input: ActionInput }
  | { type: 'remove_action'; action_id: string }
  | { type: 'enable_endpoint'; action_id: string }
  | { type: 'disable_endpoint'; gone: EndpointGone }
  | { type: 'add_condition'; input: ConditionInput }
  | { type: 'replace_condition'; condition_id: string; input: ConditionInput }
  | { type: 'remove_condition'; condition_id: string }
  | { type: 'rotate_secret'; action_id: string; grace_ms: number }
  | { type: 'reseal' }
  | { type: 'delete' };

/**
 * The events a command makes (none: nothing changes, no new version), and
 * the id of what it made or changed (the new workflow's, action's or
 * condition's); or why it was refused.
 */
export type Decision = { ok: true; events: WorkflowEventBody[]; id?: string } | { ok: false; status: 404 | 422; codes: string[] };

/** What stamps a decision's events: whose workflow, who, when, for which request. */
export interface EventMeta {
  workflow_id: string;
  tenant_id: string;
  actor: WorkflowActor;
  request_id: string | null;
  now: Date;
}

export declare function decide(command: WorkflowCommand, state: WorkflowState | undefined, ctx: ChangeContext): Decision;
export declare function stamp(bodies: readonly WorkflowEventBody[], state: WorkflowState | undefined, meta: EventMeta): WorkflowEvent[];
export declare function evolve(state: WorkflowState | undefined, event: WorkflowEvent): WorkflowState | undefined;
export declare function fold(events: readonly WorkflowEvent[], from?: WorkflowState): WorkflowState | undefined;
export declare function diffStates(before: WorkflowState | undefined, after: WorkflowState | undefined, mask: (secret: string) => string): FieldChange[];
