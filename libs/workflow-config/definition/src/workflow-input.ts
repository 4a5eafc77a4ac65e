import { readWith, ReadResult, workflowInputSchemas, WorkflowInputSchemas } from '@hookstream/contracts';
import type { ActionInput, ConditionInput, SubscriptionInput, WorkflowInput, WorkflowLimits, WorkflowPatch } from '@hookstream/contracts';
import { DEFAULT_WORKFLOW_LIMITS } from './workflow-limits';

export type { ActionInput, ConditionInput, ReadResult, SubscriptionInput, WorkflowInput, WorkflowPatch };

/** The contract's input schemas, built once per set of limits (workflow-config has one, from its environment). */
const schemasByLimits = new WeakMap<WorkflowLimits, WorkflowInputSchemas>();

export function inputSchemasFor(limits: WorkflowLimits): WorkflowInputSchemas {
  let schemas = schemasByLimits.get(limits);
  if (!schemas) schemasByLimits.set(limits, (schemas = workflowInputSchemas(limits)));
  return schemas;
}

/** A create-workflow body -> its input, or every error code it earns. */
export function readWorkflowInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<WorkflowInput> {
  return readWith(inputSchemasFor(limits).workflow, body);
}

export function readWorkflowPatch(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<WorkflowPatch> {
  return readWith(inputSchemasFor(limits).patch, body);
}

export function readConditionInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<ConditionInput> {
  return readWith(inputSchemasFor(limits).condition, body);
}

export function readActionInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<ActionInput> {
  return readWith(inputSchemasFor(limits).action, body);
}

