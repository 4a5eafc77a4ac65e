import { readWith, ReadResult, webhookUrlInput, workflowInputSchemas, WorkflowInputSchemas } from '@hookstream/contracts';
import type { ActionInput, ConditionInput, WorkflowInput, WorkflowLimits, WorkflowPatch } from '@hookstream/contracts';
import { DEFAULT_WORKFLOW_LIMITS } from './workflow-limits';

export type { ActionInput, ConditionInput, ReadResult, WorkflowInput, WorkflowPatch };

/** The contract's input schemas, built once per set of limits (workflow-config has one, from its environment). */
const schemasByLimits = new WeakMap<WorkflowLimits, WorkflowInputSchemas & { url: ReturnType<typeof webhookUrlInput> }>();

function schemasFor(limits: WorkflowLimits) {
  let schemas = schemasByLimits.get(limits);
  if (!schemas) schemasByLimits.set(limits, (schemas = { ...workflowInputSchemas(limits), url: webhookUrlInput(limits) }));
  return schemas;
}

/** A create-workflow body -> its input, or every error code it earns. */
export function readWorkflowInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<WorkflowInput> {
  return readWith(schemasFor(limits).workflow, body);
}

export function readWorkflowPatch(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<WorkflowPatch> {
  return readWith(schemasFor(limits).patch, body);
}

export function readConditionInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<ConditionInput> {
  return readWith(schemasFor(limits).condition, body);
}

export function readActionInput(body: unknown, limits: WorkflowLimits = DEFAULT_WORKFLOW_LIMITS): ReadResult<ActionInput> {
  return readWith(schemasFor(limits).action, body);
}

/** A webhook URL within the length limit: url_required, url_too_long or url_invalid otherwise. */
export function urlCodes(value: unknown, limits: WorkflowLimits): string[] {
  const read = readWith(schemasFor(limits).url, value);
  return read.ok ? [] : read.codes;
}
