import { DefaultWorkflowLimits, jsonBytes, WorkflowCeilings, WorkflowLimits, WorkflowState } from '@hookstream/contracts';

export type { WorkflowLimits };

export const DEFAULT_WORKFLOW_LIMITS: WorkflowLimits = { ...DefaultWorkflowLimits };

/** The ceiling of each limit: configuring more is refused at boot. */
export const WORKFLOW_LIMIT_CEILINGS: WorkflowLimits = {
  actions: WorkflowCeilings.actions,
  conditionValues: WorkflowCeilings.conditionValues,
  eventSources: WorkflowCeilings.eventSources,
  eventTypes: WorkflowCeilings.eventTypes,
  headers: WorkflowCeilings.headers,
  headerBytes: WorkflowCeilings.headerBytes,
  urlLength: WorkflowCeilings.urlLength,
  signatureKeyLength: WorkflowCeilings.signatureKeyLength,
  nameLength: WorkflowCeilings.nameLength,
  stateBytes: WorkflowCeilings.stateBytes,
};

/**
 * The limits a whole state must keep after a change: what the input checks
 * cannot see alone (an action added to twenty, the sum of every part).
 */
export function workflowLimitCodes(state: WorkflowState, limits: WorkflowLimits): string[] {
  const codes: string[] = [];
  if (state.actions.length > limits.actions) codes.push('actions_too_many');
  if (jsonBytes(state) > limits.stateBytes) codes.push('workflow_too_large');
  return codes;
}

