import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// OpenAPI models of the answers built in event-views.ts (Checkout.com's shapes for events, invocations and subject history).

const INVOCATION_STATUSES = ['pending', 'successful', 'failed'];
const WORKFLOW_VERSION = {
  type: 'integer',
  nullable: true,
  example: 4,
  description: 'The version of the workflow that matched the event (see GET /workflows/{id}/history); null when recorded before versions were kept',
} as const;

class Link {
  @ApiProperty({ example: 'https://api.example.com/workflows/events/evt_az2jzfgwpbnetbzm3lnjqb3ywa' })
  href!: string;
}

class SelfLinks {
  @ApiProperty({ type: Link })
  self!: Link;
}

class ActionInvocationLinks extends SelfLinks {
  @ApiProperty({ type: Link })
  workflow!: Link;
}

class EventLinks extends SelfLinks {
  @ApiPropertyOptional({ type: Link, description: 'For a subject id starting pay_' })
  payment?: Link;

  @ApiPropertyOptional({ type: Link, description: 'For a subject id starting dsp_' })
  dispute?: Link;
}

class InvocationLinks extends ActionInvocationLinks {
  @ApiProperty({ type: Link })
  event!: Link;
}

class SubjectEventsLinks extends SelfLinks {
  @ApiPropertyOptional({ type: Link, description: 'The next page, while more events remain' })
  next?: Link;
}

export class ActionInvocationSummary {
  @ApiProperty({ example: 'wf_wlu3wxc26jounofs5iez75qaqa' })
  workflow_id!: string;

  @ApiProperty({ example: 'wfa_2ldw3kbfz5tuhblc2p5ztqu4xq' })
  workflow_action_id!: string;

  @ApiProperty({ enum: INVOCATION_STATUSES, description: 'Sums up the attempts so far' })
  status!: string;

  @ApiProperty({ ...WORKFLOW_VERSION, description: `${WORKFLOW_VERSION.description}, by its latest attempt` })
  workflow_version!: number | null;

  @ApiProperty({ type: ActionInvocationLinks })
  _links!: ActionInvocationLinks;
}

export class EventView {
  @ApiProperty({ example: 'evt_az2jzfgwpbnetbzm3lnjqb3ywa' })
  id!: string;

  @ApiProperty({ example: 'gateway' })
  source!: string;

  @ApiProperty({ example: 'payment_approved' })
  type!: string;

  @ApiProperty({ example: '2026-05-26T10:00:00.000Z', format: 'date-time' })
  timestamp!: string;

  @ApiProperty({ example: '1.0.0' })
  version!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { id: 'pay_mbabizu24mvu3mela5njyhpit4', amount: 1000 } })
  data!: Record<string, unknown>;

  @ApiProperty({ type: [ActionInvocationSummary] })
  action_invocations!: ActionInvocationSummary[];

  @ApiProperty({ type: EventLinks })
  _links!: EventLinks;
}

class ResultDetails {
  @ApiProperty({ type: Number, nullable: true, example: 200, description: 'null when no answer came (timeout, refused, blocked)' })
  status_code!: number | null;

  @ApiProperty({ example: 'https://example.com/webhooks' })
  url!: string;

  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'The request headers sent, secrets masked' })
  headers!: Record<string, string>;

  @ApiProperty({ type: String, nullable: true, format: 'date-time' })
  response_received_timestamp!: string | null;

  @ApiPropertyOptional({ example: 'timeout', description: 'Why the attempt failed without an answer' })
  error?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  error_message?: string | null;
}

export class AttemptView {
  @ApiProperty({ example: 'ivc_ttnrkbzuftyujhgwlzdbl3ajsm' })
  invocation_id!: string;

  @ApiProperty({ example: 1, description: "The attempt's number in its run (a reflow numbers from 1 again)" })
  attempt!: number;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiProperty({ example: 182.4, description: 'How long the attempt took, in ms' })
  duration_ms!: number;

  @ApiProperty({ type: String, nullable: true, example: '{"received":true}', description: "The start of the receiver's answer body, at most 1 KiB as UTF-8; null when none came" })
  response_excerpt!: string | null;

  @ApiProperty({ description: 'A retry, not the first attempt' })
  retry!: boolean;

  @ApiProperty()
  succeeded!: boolean;

  @ApiProperty({ description: 'No attempt follows this one' })
  final!: boolean;

  @ApiProperty({ ...WORKFLOW_VERSION, description: `${WORKFLOW_VERSION.description}, for this attempt (a reflow may run a newer one)` })
  workflow_version!: number | null;

  @ApiProperty({ type: ResultDetails })
  result_details!: ResultDetails;
}

export class InvocationView {
  @ApiProperty({ example: 'wf_wlu3wxc26jounofs5iez75qaqa' })
  workflow_id!: string;

  @ApiProperty({ example: 'evt_az2jzfgwpbnetbzm3lnjqb3ywa' })
  event_id!: string;

  @ApiProperty({ example: 'wfa_2ldw3kbfz5tuhblc2p5ztqu4xq' })
  workflow_action_id!: string;

  @ApiProperty({ enum: ['webhook'] })
  action_type!: string;

  @ApiProperty({ enum: INVOCATION_STATUSES })
  status!: string;

  @ApiProperty({ ...WORKFLOW_VERSION, description: `${WORKFLOW_VERSION.description}, by the latest attempt` })
  workflow_version!: number | null;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'When the next attempt is due; null when none is (succeeded, or given up)' })
  next_attempt_at!: string | null;

  @ApiProperty({ type: [AttemptView], description: 'Every attempt, oldest first' })
  action_invocations!: AttemptView[];

  @ApiProperty({ type: InvocationLinks })
  _links!: InvocationLinks;
}

class SubjectEvent {
  @ApiProperty({ example: 'evt_az2jzfgwpbnetbzm3lnjqb3ywa' })
  id!: string;

  @ApiProperty({ example: 'payment_approved' })
  type!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiProperty({ type: SelfLinks })
  _links!: SelfLinks;
}

export class SubjectEventPage {
  @ApiProperty({ type: [SubjectEvent], description: 'Newest first' })
  data!: SubjectEvent[];

  @ApiProperty({ type: SubjectEventsLinks })
  _links!: SubjectEventsLinks;
}

class InvocationCountsView {
  @ApiProperty({ example: 2 })
  total!: number;

  @ApiProperty({ example: 1 })
  succeeded!: number;

  @ApiProperty({ example: 0 })
  failed!: number;

  @ApiProperty({ example: 1 })
  pending!: number;
}

class RecentEvent {
  @ApiProperty({ example: 'evt_az2jzfgwpbnetbzm3lnjqb3ywa' })
  id!: string;

  @ApiProperty({ example: 'gateway' })
  source!: string;

  @ApiProperty({ example: 'payment_approved' })
  type!: string;

  @ApiProperty({ example: 'pay_mbabizu24mvu3mela5njyhpit4' })
  subject_id!: string;

  @ApiProperty({ format: 'date-time' })
  timestamp!: string;

  @ApiProperty({ type: InvocationCountsView, description: 'The actions the event invoked, by status' })
  invocations!: InvocationCountsView;

  @ApiProperty({ type: SelfLinks })
  _links!: SelfLinks;
}

export class RecentEventList {
  @ApiProperty({ type: [RecentEvent], description: 'Newest first' })
  data!: RecentEvent[];

  @ApiProperty({ type: SubjectEventsLinks })
  _links!: SubjectEventsLinks;
}

class HealthWindowView {
  @ApiProperty({ format: 'date-time' })
  from!: string;

  @ApiProperty({ format: 'date-time' })
  to!: string;
}

class LatencyView {
  @ApiProperty({ example: 84.2 })
  p50!: number;

  @ApiProperty({ example: 240.5 })
  p95!: number;

  @ApiProperty({ example: 812 })
  p99!: number;
}

class HealthBucketView {
  @ApiProperty({ format: 'date-time', description: 'The 5-minute bucket starts here' })
  from!: string;

  @ApiProperty({ example: 12 })
  attempts!: number;

  @ApiProperty({ example: 11 })
  succeeded!: number;

  @ApiProperty({ type: Number, nullable: true, example: 240.5, description: 'null when nothing was sent in the bucket' })
  p95_ms!: number | null;
}

class BreakerView {
  @ApiProperty({ enum: ['closed', 'open', 'unknown'], description: 'As last observed in the recorded attempts' })
  state!: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'The newest attempt the state is read from' })
  as_of!: string | null;
}

class ActionHealthView {
  @ApiProperty({ example: 'wfa_2ldw3kbfz5tuhblc2p5ztqu4xq' })
  action_id!: string;

  @ApiProperty({ example: 'https://example.com/webhooks' })
  url!: string;

  @ApiProperty({ type: String, nullable: true, format: 'date-time', description: 'Set when the receiver answered 410 Gone: no more deliveries until re-enabled' })
  disabled_at!: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'receiver answered 410' })
  disabled_reason!: string | null;

  @ApiProperty({ type: HealthWindowView, description: 'The last hour' })
  window!: HealthWindowView;

  @ApiProperty({ example: 144 })
  attempts!: number;

  @ApiProperty({ example: 140 })
  succeeded!: number;

  @ApiProperty({ type: Number, nullable: true, example: 0.972, description: 'succeeded / attempts, 0 to 1; null without attempts' })
  success_rate!: number | null;

  @ApiProperty({ type: LatencyView, nullable: true, description: 'Of the attempts sent (not short-circuited); null when none was' })
  latency_ms!: LatencyView | null;

  @ApiProperty({ type: [HealthBucketView], description: '12 buckets of 5 minutes, oldest first, empty ones included' })
  series!: HealthBucketView[];

  @ApiProperty({ type: BreakerView })
  breaker!: BreakerView;
}

export class EndpointHealthList {
  @ApiProperty({ type: [ActionHealthView], description: 'One per action of the workflow' })
  data!: ActionHealthView[];
}
