import { getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { DefaultWorkflowLimits, eventSourceInput, workflowInputSchemas } from '@hookstream/contracts';
import { conditionViewComponents, historyComponents } from './workflow.responses';

/*
 * The Workflows API's bodies are validated by workflow-config with the
 * contract's input schemas (limits set by its WORKFLOW_MAX_* variables);
 * the gateway forwards each body as it was parsed and passes on the 422
 * and codes workflow-config answers, so a client sees every code
 * (url_required, headers_too_large, …), the same on every route.
 * Transforming the body here would also drop what a client sent (a
 * "__proto__" key) instead of refusing it. The OpenAPI document shows the
 * same schemas, with the default limits. So are the operator's catalog
 * additions (POST /admin/event-types).
 */
const inputSchemas = workflowInputSchemas(DefaultWorkflowLimits);

/** Each body's component name in the OpenAPI document (the names generated clients already use). */
const BODY_COMPONENTS = {
  WorkflowDto: inputSchemas.workflow,
  PatchWorkflowDto: inputSchemas.patch,
  ActionDto: inputSchemas.action,
  ConditionDto: inputSchemas.condition,
  SubscriptionDto: inputSchemas.subscription,
  EventSourceDto: eventSourceInput,
} as const;
export type WorkflowBodyComponent = keyof typeof BODY_COMPONENTS;

/** The bodies as OpenAPI 3.0 schemas: what a client may send, as workflow-config reads it. */
export function workflowBodyComponents(): Map<string, SchemaObject> {
  return new Map(
    Object.entries(BODY_COMPONENTS).map(([name, schema]) => [
      name,
      z.toJSONSchema(schema, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as SchemaObject,
    ]),
  );
}

/** Every OpenAPI component generated from the contract rather than declared by a class. */
export const generatedComponents = (): Map<string, SchemaObject> => new Map([...workflowBodyComponents(), ...conditionViewComponents(), ...historyComponents()]);

/** `@ApiBody({ schema: bodySchema('WorkflowDto') })`: a reference to the generated component. */
export const bodySchema = (name: WorkflowBodyComponent) => ({ $ref: getSchemaPath(name) });
