import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { code } from '@hookstream/gateway-auth';

// The gateway validates shapes; workflow-config checks event types against its catalog.
const ENTITY_ID = /^ent_[a-z0-9]+$/;
const PROCESSING_CHANNEL_ID = /^pc_[a-z0-9]+$/;
const CONDITION_TYPES = ['event', 'entity', 'processing_channel'];
const FORMATS = ['checkout', 'cloudevents', 'caf', 'mycashflow'];
const RETRY_POLICIES = ['checkout', 'caf', 'mycashflow', 'standard-webhooks'];
const URL_OPTIONS = { require_protocol: true, protocols: ['http', 'https'], require_tld: false };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** {source: [event type, …]}, at least one source, each with at least one type. */
const IsEventMap = (options: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isEventMap',
      validator: {
        validate: (v: unknown) =>
          isPlainObject(v) &&
          Object.keys(v).length > 0 &&
          Object.values(v).every((types) => Array.isArray(types) && types.length > 0 && types.every((t) => typeof t === 'string' && t.length > 0)),
      },
    },
    options,
  );

const IsStringMap = (options: ValidationOptions) =>
  ValidateBy({ name: 'isStringMap', validator: { validate: (v: unknown) => isPlainObject(v) && Object.values(v).every((s) => typeof s === 'string') } }, options);

const IsRetryPolicy = (options: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isRetryPolicy',
      validator: {
        validate: (v: unknown) =>
          (typeof v === 'string' && RETRY_POLICIES.includes(v)) ||
          (Array.isArray(v) && v.length <= 50 && v.every((n) => Number.isInteger(n) && n >= 0)),
      },
    },
    options,
  );

/** At most one condition of each type. */
const UniqueConditionTypes = (options: ValidationOptions) =>
  ValidateBy(
    {
      name: 'uniqueConditionTypes',
      validator: {
        validate: (v: unknown) => {
          if (!Array.isArray(v)) return true;
          const types = v.map((c) => (isPlainObject(c) ? c.type : undefined));
          return new Set(types).size === types.length;
        },
      },
    },
    options,
  );

export class ConditionDto {
  @ApiProperty({ enum: CONDITION_TYPES, example: 'event' })
  @IsIn(CONDITION_TYPES, { context: code('condition_type_invalid') })
  type!: 'event' | 'entity' | 'processing_channel';

  @ApiPropertyOptional({ description: 'type event: source -> event types', example: { gateway: ['payment_approved'] } })
  @ValidateIf((o: ConditionDto) => o.type === 'event')
  @IsEventMap({ message: 'events_invalid' })
  events?: Record<string, string[]>;

  @ApiPropertyOptional({ description: 'type entity: ent_ ids', example: ['ent_xyfdshfudosfdshfdiosfds'] })
  @ValidateIf((o: ConditionDto) => o.type === 'entity')
  @IsArray({ context: code('entities_required') })
  @ArrayMinSize(1, { context: code('entities_required') })
  @Matches(ENTITY_ID, { each: true, context: code('entity_id_invalid') })
  entities?: string[];

  @ApiPropertyOptional({ description: 'type processing_channel: pc_ ids', example: ['pc_axclravnqf5u5ejkweijnp5zc4'] })
  @ValidateIf((o: ConditionDto) => o.type === 'processing_channel')
  @IsArray({ context: code('processing_channels_required') })
  @ArrayMinSize(1, { context: code('processing_channels_required') })
  @Matches(PROCESSING_CHANNEL_ID, { each: true, context: code('processing_channel_id_invalid') })
  processing_channels?: string[];
}

export class SignatureDto {
  @ApiPropertyOptional({ enum: ['HMACSHA256'], default: 'HMACSHA256' })
  @IsOptional()
  @IsIn(['HMACSHA256'], { context: code('signature_invalid') })
  method?: 'HMACSHA256';

  @ApiProperty({ description: 'HMAC key; masked in every response' })
  @IsString({ context: code('signature_invalid') })
  @IsNotEmpty({ context: code('signature_invalid') })
  key!: string;
}

export class ActionDto {
  @ApiProperty({ enum: ['webhook'] })
  @IsIn(['webhook'], { context: code('action_type_invalid') })
  type!: 'webhook';

  @ApiProperty({ example: 'https://example.com/webhooks' })
  @IsUrl(URL_OPTIONS, { context: code('url_invalid') })
  url!: string;

  @ApiPropertyOptional({ description: 'Sent verbatim on every delivery; values masked in responses', example: { Authorization: 'secret' } })
  @IsOptional()
  @IsStringMap({ message: 'headers_invalid' })
  headers?: Record<string, string>;

  @ApiPropertyOptional({ type: SignatureDto })
  @IsOptional()
  @IsObject({ context: code('signature_invalid') })
  @ValidateNested({ context: code('signature_invalid') })
  @Type(() => SignatureDto)
  signature?: SignatureDto;

  @ApiPropertyOptional({ enum: FORMATS, default: 'checkout', description: 'Extension: payload format' })
  @IsOptional()
  @IsIn(FORMATS, { context: code('format_invalid') })
  format?: string;

  @ApiPropertyOptional({ description: `Extension: ${RETRY_POLICIES.join(' | ')} or delays in ms`, default: 'checkout' })
  @IsOptional()
  @IsRetryPolicy({ message: 'retry_policy_invalid' })
  retry_policy?: string | number[];

  @ApiPropertyOptional({ default: 10000, maximum: 60000, description: 'Extension: receiver timeout' })
  @IsOptional()
  @IsInt({ context: code('timeout_ms_invalid') })
  @Min(1, { context: code('timeout_ms_invalid') })
  @Max(60_000, { context: code('timeout_ms_invalid') })
  timeout_ms?: number;

  @ApiPropertyOptional({ enum: ['structured', 'binary'], default: 'structured', description: 'Extension: CloudEvents HTTP mode' })
  @IsOptional()
  @IsIn(['structured', 'binary'], { context: code('cloudevents_mode_invalid') })
  cloudevents_mode?: string;
}

export class WorkflowDto {
  @ApiProperty({ example: 'Webhooks workflow' })
  @IsString({ context: code('name_required') })
  @IsNotEmpty({ context: code('name_required') })
  @MaxLength(255, { context: code('name_invalid') })
  name!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ context: code('active_invalid') })
  active?: boolean;

  @ApiProperty({ type: [ConditionDto], minItems: 1 })
  @IsArray({ context: code('conditions_required') })
  @ArrayMinSize(1, { context: code('conditions_required') })
  @UniqueConditionTypes({ message: 'condition_type_duplicate' })
  @ValidateNested({ each: true, context: code('condition_invalid') })
  @Type(() => ConditionDto)
  conditions!: ConditionDto[];

  @ApiProperty({ type: [ActionDto], minItems: 1 })
  @IsArray({ context: code('actions_required') })
  @ArrayMinSize(1, { context: code('actions_required') })
  @ValidateNested({ each: true, context: code('action_invalid') })
  @Type(() => ActionDto)
  actions!: ActionDto[];
}

/** name/active, or whole condition/action lists. */
export class PatchWorkflowDto extends PartialType(WorkflowDto) {}

export class SubscriptionDto {
  @ApiProperty({ example: 'order.created', description: 'An event type of the catalog' })
  @IsString({ context: code('topic_required') })
  @IsNotEmpty({ context: code('topic_required') })
  topic!: string;

  @ApiPropertyOptional({ example: ['payments', 'shipments'] })
  @IsOptional()
  @IsArray({ context: code('expands_invalid') })
  @IsString({ each: true, context: code('expands_invalid') })
  expands?: string[];

  @ApiProperty({ example: 'https://www.example.com' })
  @IsUrl(URL_OPTIONS, { context: code('url_invalid') })
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
