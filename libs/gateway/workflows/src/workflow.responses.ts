import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { ActionTimeout, CloudEventsMode, PayloadFormat, WorkflowCondition, WorkflowHistoryEntry, WorkflowListPaging } from '@hookstream/contracts';

// OpenAPI models of the answers; workflow-config builds the answers themselves.

class Href {
  @ApiProperty({ example: 'https://api.example.com/workflows/wf_wlu3wxc26jounofs5iez75qaqa' })
  href!: string;
}

export class Links {
  @ApiProperty({ type: Href })
  self!: Href;
}

export class CreatedResource {
  @ApiProperty({ example: 'wf_wlu3wxc26jounofs5iez75qaqa', description: 'wf_, wfa_ or wfc_ + 26 lowercase base32 characters' })
  id!: string;

  @ApiProperty({ type: Links })
  _links!: Links;
}

export class WorkflowSummary {
  @ApiProperty({ example: 'wf_wlu3wxc26jounofs5iez75qaqa' })
  id!: string;

  @ApiProperty({ example: 'Webhooks workflow' })
  name!: string;

  @ApiProperty()
  active!: boolean;

  @ApiProperty({ type: Links })
  _links!: Links;
}

/** How GET /workflows and /api/v1/webhooks page (OpenAPI). */
export const LIST_PAGING = `Oldest first. Without \`limit\` or \`cursor\`, every one (as Checkout.com answers). With either, a page: \`limit\` (1-${WorkflowListPaging.maxLimit}, default ${WorkflowListPaging.defaultLimit}), and \`_links.next\` carries the cursor of the next page while more remain.`;

/** The `_links` of a page of a list asked for with `limit` or `cursor`. */
class ListPageLinks extends Links {
  @ApiPropertyOptional({ type: Href, description: 'The next page (same limit, its cursor), while more remain' })
  next?: Href;
}

export class WorkflowList {
  @ApiProperty({ type: [WorkflowSummary] })
  data!: WorkflowSummary[];

  @ApiPropertyOptional({ type: ListPageLinks, description: 'Only when asked with `limit` or `cursor`' })
  _links?: ListPageLinks;
}

/** A condition is answered as it is stored: its component is the contract's schema. */
const CONDITION_VIEW = 'ConditionView';
export const CONDITION_WITH_LINKS = 'ConditionWithLinks';

/** The condition views as OpenAPI 3.0 schemas, generated from the stored condition's contract. */
export function conditionViewComponents(): Map<string, SchemaObject> {
  return new Map([
    [CONDITION_VIEW, z.toJSONSchema(WorkflowCondition, { io: 'input', target: 'openapi-3.0', unrepresentable: 'any' }) as SchemaObject],
    [
      CONDITION_WITH_LINKS,
      { allOf: [{ $ref: getSchemaPath(CONDITION_VIEW) }, { type: 'object', properties: { _links: { $ref: getSchemaPath(Links) } }, required: ['_links'] }] },
    ],
  ]);
}

class MaskedSignature {
  @ApiProperty({ example: 'HMACSHA256' })
  method!: string;

  @ApiProperty({ example: '8V8x****************', description: 'Masked: first 4 characters' })
  key!: string;
}

export class ActionView {
  @ApiProperty({ example: 'wfa_2ldw3kbfz5tuhblc2p5ztqu4xq' })
  id!: string;

  @ApiProperty({ enum: ['webhook'] })
  type!: string;

  @ApiProperty({ example: 'https://example.com/webhooks' })
  url!: string;

  @ApiProperty({ example: { Authorization: '70ed********************' }, description: 'Values masked: first 4 characters' })
  headers!: Record<string, string>;

  @ApiPropertyOptional({ type: MaskedSignature })
  signature?: MaskedSignature;

  @ApiProperty({ enum: PayloadFormat.options })
  format!: string;

  @ApiProperty({ example: 'checkout', description: 'A named policy or delays in ms' })
  retry_policy!: string | number[];

  @ApiProperty({ example: ActionTimeout.defaultMs })
  timeout_ms!: number;

  @ApiProperty({ enum: CloudEventsMode.options })
  cloudevents_mode!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Set when the receiver answered 410 Gone: no more deliveries' })
  disabled_at!: string | null;

  @ApiPropertyOptional()
  disabled_reason?: string;
}

export class WorkflowView extends WorkflowSummary {
  @ApiProperty({ type: 'array', items: { $ref: getSchemaPath(CONDITION_VIEW) } })
  conditions!: WorkflowCondition[];

  @ApiProperty({ type: [ActionView] })
  actions!: ActionView[];
}

export class ActionWithLinks extends ActionView {
  @ApiProperty({ type: Links })
  _links!: Links;
}

/** What the catalog says of a source or an event type besides its id. */
class CatalogText {
  @ApiProperty({ example: 'Payment approved' })
  display_name!: string;

  @ApiProperty()
  description!: string;
}

class EventTypeView extends CatalogText {
  @ApiProperty({ example: 'payment_approved' })
  id!: string;
}

export class EventSourceView extends CatalogText {
  @ApiProperty({ example: 'gateway' })
  id!: string;

  @ApiProperty({ type: [EventTypeView] })
  events!: EventTypeView[];
}

export class SubscriptionView {
  @ApiProperty({ example: '083c584d-ae65-11ec-aef4-0242ac130002' })
  uuid!: string;

  @ApiProperty({ type: 'integer', example: 2, description: "The tenant's number, stable across calls" })
  user_id!: number;

  @ApiProperty({ example: 'order.created' })
  topic!: string;

  @ApiProperty({ type: [String], example: ['payments', 'shipments'] })
  expands!: string[];

  @ApiProperty({ example: 'https://www.example.com' })
  url!: string;
}

export class CreatedSubscriptionView extends SubscriptionView {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'Standard Webhooks signing secret; later read and rotated through /api/v1/webhooks/{uuid}/secret' })
  secret!: string;
}

export class SubscriptionEnvelope {
  @ApiProperty({ type: SubscriptionView })
  data!: SubscriptionView;
}

export class CreatedSubscriptionEnvelope {
  @ApiProperty({ type: CreatedSubscriptionView })
  data!: CreatedSubscriptionView;
}

export class SubscriptionList {
  @ApiProperty({ type: [SubscriptionView] })
  data!: SubscriptionView[];

  @ApiPropertyOptional({ type: ListPageLinks, description: 'Only when asked with `limit` or `cursor`' })
  _links?: ListPageLinks;
}

const HISTORY_ENTRY = 'WorkflowHistoryEntry';

/** A history entry as an OpenAPI 3.0 schema, generated from its contract (workflow-config builds the entries). */
export function historyComponents(): Map<string, SchemaObject> {
  return new Map([[HISTORY_ENTRY, z.toJSONSchema(WorkflowHistoryEntry, { io: 'output', target: 'openapi-3.0', unrepresentable: 'any' }) as SchemaObject]]);
}

class PageLinks extends Links {
  @ApiPropertyOptional({ type: Href, description: 'The next, older, page, while more remain' })
  next?: Href;
}

export class WorkflowHistoryView {
  @ApiProperty({
    type: 'array',
    items: { $ref: getSchemaPath(HISTORY_ENTRY) },
    description:
      'Newest first. `changes` name each field changed (e.g. `name`, `actions[wfa_…].url`, `actions[wfa_…].headers.X-Api-Key`) with its value before (`from`) and after (`to`), secrets masked; `actor` is the API key (`api_key` and its id), the operator (`admin`) or the platform (e.g. a 410 from the receiver); `request_id` the Cko-Request-Id of the request that made the change',
  })
  data!: WorkflowHistoryEntry[];

  @ApiProperty({ type: PageLinks })
  _links!: PageLinks;
}
