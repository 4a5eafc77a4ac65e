import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { DefaultWorkflowLimits, RetryScheduleBounds } from '@hookstream/contracts';
import { code } from '@hookstream/gateway-auth';

/*
 * The Workflows API's bodies, for the OpenAPI document only. Their rules
 * live once, in workflow-config (@hookstream/workflow-definition, limits set
 * by its WORKFLOW_MAX_* variables): the gateway forwards each body as it was
 * parsed and passes on the 422 and codes workflow-config answers, so a
 * client sees every code (url_required, headers_too_large, …), the same on
 * every route. Transforming the body here would also drop what a client
 * sent (a "__proto__" key) instead of refusing it.
 */
const CONDITION_TYPES = ['event', 'entity', 'processing_channel'];
const FORMATS = ['checkout', 'cloudevents', 'caf', 'mycashflow'];
const RETRY_POLICIES = ['checkout', 'caf', 'mycashflow', 'standard-webhooks'];
const DAYS = 24 * 3_600_000;
const limited = (what: string, variable: string, limit: keyof typeof DefaultWorkflowLimits, errorCode: string) =>
  `${what}: at most ${DefaultWorkflowLimits[limit]} by default (workflow-config's ${variable}); past it 422 ${errorCode}`;

export class ConditionDto {
  @ApiProperty({ enum: CONDITION_TYPES, example: 'event', description: 'One condition of each type at most (422 condition_type_duplicate)' })
  type!: 'event' | 'entity' | 'processing_channel';

  @ApiPropertyOptional({
    description: `type event: source -> event types of the catalog (422 event_type_unknown). ${limited('Sources', 'WORKFLOW_MAX_EVENT_SOURCES', 'eventSources', 'events_too_many')}; ${limited('event types in all', 'WORKFLOW_MAX_EVENT_TYPES', 'eventTypes', 'events_too_many')}`,
    example: { gateway: ['payment_approved'] },
  })
  events?: Record<string, string[]>;

  @ApiPropertyOptional({
    description: `type entity: ent_ ids. ${limited('Ids', 'WORKFLOW_MAX_CONDITION_VALUES', 'conditionValues', 'entities_too_many')}`,
    example: ['ent_xyfdshfudosfdshfdiosfds'],
  })
  entities?: string[];

  @ApiPropertyOptional({
    description: `type processing_channel: pc_ ids. ${limited('Ids', 'WORKFLOW_MAX_CONDITION_VALUES', 'conditionValues', 'processing_channels_too_many')}`,
    example: ['pc_axclravnqf5u5ejkweijnp5zc4'],
  })
  processing_channels?: string[];
}

export class SignatureDto {
  @ApiPropertyOptional({ enum: ['HMACSHA256'], default: 'HMACSHA256' })
  method?: 'HMACSHA256';

  @ApiProperty({ description: `HMAC key; masked in every response. ${limited('Characters', 'WORKFLOW_MAX_SIGNATURE_KEY_LENGTH', 'signatureKeyLength', 'signature_key_too_long')}` })
  key!: string;
}

export class ActionDto {
  @ApiProperty({ enum: ['webhook'] })
  type!: 'webhook';

  @ApiProperty({ example: 'https://example.com/webhooks', description: `An absolute http(s) URL. ${limited('Characters', 'WORKFLOW_MAX_URL_LENGTH', 'urlLength', 'url_too_long')}` })
  url!: string;

  @ApiPropertyOptional({
    description:
      'Sent verbatim on every delivery; values masked in responses. Names are HTTP tokens (422 header_name_invalid; framing and Standard Webhooks headers: header_name_reserved), ' +
      `values printable (header_value_invalid). ${limited('Headers', 'WORKFLOW_MAX_HEADERS', 'headers', 'headers_too_many')}; ${limited('bytes of names and values', 'WORKFLOW_MAX_HEADER_BYTES', 'headerBytes', 'headers_too_large')}`,
    example: { Authorization: 'secret' },
  })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: SignatureDto })
  signature?: SignatureDto;

  @ApiPropertyOptional({ enum: FORMATS, default: 'checkout', description: 'Extension: payload format' })
  format?: string;

  @ApiPropertyOptional({
    description:
      `Extension: ${RETRY_POLICIES.join(' | ')} or delays in ms, each from 1000 to ${RetryScheduleBounds.maxDelayMs} (${RetryScheduleBounds.maxDelayMs / DAYS} days), ` +
      `at most ${RetryScheduleBounds.maxDelays}, at most ${RetryScheduleBounds.maxTotalMs / DAYS} days in all (else 422 retry_policy_invalid)`,
    default: 'checkout',
  })
  retry_policy?: string | number[];

  @ApiPropertyOptional({ default: 10000, minimum: 1, maximum: 60000, description: 'Extension: receiver timeout in ms (else 422 timeout_ms_invalid)' })
  timeout_ms?: number;

  @ApiPropertyOptional({ enum: ['structured', 'binary'], default: 'structured', description: 'Extension: CloudEvents HTTP mode' })
  cloudevents_mode?: string;
}

export class WorkflowDto {
  @ApiProperty({ example: 'Webhooks workflow', description: limited('Characters', 'WORKFLOW_MAX_NAME_LENGTH', 'nameLength', 'name_too_long') })
  name!: string;

  @ApiPropertyOptional({ default: true })
  active?: boolean;

  @ApiProperty({ type: [ConditionDto], minItems: 1, maxItems: 3 })
  conditions!: ConditionDto[];

  @ApiProperty({
    type: [ActionDto],
    minItems: 1,
    description: `${limited('Actions', 'WORKFLOW_MAX_ACTIONS', 'actions', 'actions_too_many')}. The whole workflow as JSON: ${limited('bytes', 'WORKFLOW_MAX_STATE_BYTES', 'stateBytes', 'workflow_too_large')}`,
  })
  actions!: ActionDto[];
}

/** name/active, or whole condition/action lists. */
export class PatchWorkflowDto extends PartialType(WorkflowDto) {}

export class SubscriptionDto {
  @ApiProperty({ example: 'order.created', description: 'An event type of the catalog (else 422 event_type_unknown)' })
  topic!: string;

  @ApiPropertyOptional({ example: ['payments', 'shipments'], maxItems: 100 })
  expands?: string[];

  @ApiProperty({ example: 'https://www.example.com', description: `An absolute http(s) URL. ${limited('Characters', 'WORKFLOW_MAX_URL_LENGTH', 'urlLength', 'url_too_long')}` })
  url!: string;
}

// Catalog ids: `gateway`, `payment_approved`, `order.created`, `TransactionFinished`.
const CATALOG_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export class EventTypeDto {
  @ApiProperty({ example: 'invoice.paid' })
  @IsString({ context: code('event_type_id_invalid') })
  @Matches(CATALOG_ID, { context: code('event_type_id_invalid') })
  id!: string;

  @ApiPropertyOptional({ example: 'Invoice paid', description: 'Defaults to the id' })
  @IsOptional()
  @IsString({ context: code('display_text_invalid') })
  @MaxLength(500, { context: code('display_text_invalid') })
  display_name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ context: code('display_text_invalid') })
  @MaxLength(500, { context: code('display_text_invalid') })
  description?: string;
}

/** An operator's addition to the event-type catalog: a source and event types of it. */
export class EventSourceDto {
  @ApiProperty({ example: 'billing', description: 'A new or existing source' })
  @IsString({ context: code('source_id_invalid') })
  @Matches(CATALOG_ID, { context: code('source_id_invalid') })
  id!: string;

  @ApiPropertyOptional({ example: 'Billing', description: 'Defaults to the id' })
  @IsOptional()
  @IsString({ context: code('display_text_invalid') })
  @MaxLength(500, { context: code('display_text_invalid') })
  display_name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ context: code('display_text_invalid') })
  @MaxLength(500, { context: code('display_text_invalid') })
  description?: string;

  @ApiProperty({ type: [EventTypeDto], minItems: 1 })
  @IsArray({ context: code('events_required') })
  @ArrayMinSize(1, { context: code('events_required') })
  @ValidateNested({ each: true, context: code('event_type_invalid') })
  @Type(() => EventTypeDto)
  events!: EventTypeDto[];
}
