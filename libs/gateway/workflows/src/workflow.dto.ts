import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { z } from 'zod';
import { CATALOG_ID, CATALOG_TEXT_MAX, DefaultWorkflowLimits, workflowInputSchemas } from '@hookstream/contracts';
import { code } from '@hookstream/gateway-http';
import { conditionViewComponents, historyComponents } from './workflow.responses';

/*
 * The Workflows API's bodies are validated by workflow-config with the
 * contract's input schemas (limits set by its WORKFLOW_MAX_* variables);
 * the gateway forwards each body as it was parsed and passes on the 422
 * and codes workflow-config answers, so a client sees every code
 * (url_required, headers_too_large, …), the same on every route.
 * Transforming the body here would also drop what a client sent (a
 * "__proto__" key) instead of refusing it. The OpenAPI document shows the
 * same schemas, with the default limits.
 */
const inputSchemas = workflowInputSchemas(DefaultWorkflowLimits);

/** Each body's component name in the OpenAPI document (the names generated clients already use). */
const BODY_COMPONENTS = {
  WorkflowDto: inputSchemas.workflow,
  PatchWorkflowDto: inputSchemas.patch,
  ActionDto: inputSchemas.action,
  ConditionDto: inputSchemas.condition,
  SubscriptionDto: inputSchemas.subscription,
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


/** The display texts of a catalog addition, a source's or an event type's. */
class CatalogTextDto {
  @ApiPropertyOptional({ example: 'Invoice paid', description: 'Defaults to the id' })
  @IsOptional()
  @IsString({ context: code('display_text_invalid') })
  @MaxLength(CATALOG_TEXT_MAX, { context: code('display_text_invalid') })
  display_name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ context: code('display_text_invalid') })
  @MaxLength(CATALOG_TEXT_MAX, { context: code('display_text_invalid') })
  description?: string;
}

export class EventTypeDto extends CatalogTextDto {
  @ApiProperty({ example: 'invoice.paid' })
  @IsString({ context: code('event_type_id_invalid') })
  @Matches(CATALOG_ID, { context: code('event_type_id_invalid') })
  id!: string;
}

/** An operator's addition to the event-type catalog: a source and event types of it. */
export class EventSourceDto extends CatalogTextDto {
  @ApiProperty({ example: 'billing', description: 'A new or existing source' })
  @IsString({ context: code('source_id_invalid') })
  @Matches(CATALOG_ID, { context: code('source_id_invalid') })
  id!: string;

  @ApiProperty({ type: [EventTypeDto], minItems: 1 })
  @IsArray({ context: code('events_required') })
  @ArrayMinSize(1, { context: code('events_required') })
  @ValidateNested({ each: true, context: code('event_type_invalid') })
  @Type(() => EventTypeDto)
  events!: EventTypeDto[];
}
