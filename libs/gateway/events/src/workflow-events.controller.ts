import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  decodeAttemptFeedCursor,
  EndpointHealthAnswer,
  isId,
  ProjectionApi,
  RecentEventPage,
  RecentEventsPaging,
  StoredEventPage,
  StoredEventWithInvocations,
  StoredInvocationWithAttempts,
  WorkflowConfigApi,
  WorkflowStateAnswer,
} from '@hookstream/contracts';
import { AuthenticatedTenant, bearerToken, CurrentTenant, TenantApi, TenantService } from '@hookstream/gateway-tenants';
import { ApiError, ApiErrorBody, InternalHttpClient } from '@hookstream/gateway-http';
import { EventReflowService } from './event-reflow.service';
import { EndpointHealthList, EventView, InvocationView, RecentEventList, SubjectEventPage } from './event.responses';
import { endpointHealthView, eventView, invocationView, recentEventsView, subjectEventsView } from './event-views';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings, PROJECTION_CLIENT, WORKFLOW_CONFIG_CLIENT } from './gateway-events-settings';
import { TooManyStreams } from './live-tail';
import { LiveTailService } from './live-tail.service';
import { ReflowRequestDto, SUBJECT_ID, TestWorkflowDto } from './reflow.dto';
import { ReflowView } from './reflow.responses';
import { SubjectReflowService } from './subject-reflow.service';

const notFound = () => new ApiError(404, 'not_found');

/** A malformed id names nothing: 404, as Checkout.com answers for these reads. */
function eventId(value: string): string {
  if (!isId('evt', value)) throw notFound();
  return value;
}

function subjectId(value: string): string {
  if (!SUBJECT_ID.test(value)) throw ApiError.invalid(['subject_id_invalid']);
  return value;
}

function workflowId(value: string): string {
  if (!isId('wf', value)) throw ApiError.invalid(['workflow_ids_invalid']);
  return value;
}

/** An optional `workflow_id` filter: absent, or a wf_ id (another tenant's simply matches nothing). */
function workflowFilter(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isId('wf', value)) throw ApiError.invalid(['workflow_id_invalid']);
  return value;
}

/** A query value as the client sent it once; repeated (an array) or anything else is refused with `code`. */
function queryText(value: unknown, code: string): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  throw ApiError.invalid([code]);
}

const LIVE_TAIL_DESCRIPTION = [
  'Server-sent events (`text/event-stream`): each attempt as `id: <cursor>`, `event: attempt` and `data: {json}`,',
  'the JSON holding event_id, event_type, workflow_id, action_id, attempt, timestamp, succeeded, final, status_code, error, duration_ms, next_attempt_at and url;',
  'a `: keep-alive` comment every 15 s. Starts from now, or resumes after the `Last-Event-ID` header (or the `cursor` query parameter).',
  'Read it with fetch (it needs the Authorization header). At most LIVE_TAIL_MAX_STREAMS_PER_TENANT (default 5) open streams per tenant on one gateway.',
].join(' ');

/** What happened to events (Checkout.com rows 14-21), workflow tests (row 12), and the progress of reflows by subject (ours). */
@ApiTags('Workflow events')
@TenantApi()
@Controller('workflows')
export class WorkflowEventsController {
  constructor(
    @Inject(PROJECTION_CLIENT) private readonly projection: InternalHttpClient,
    @Inject(WORKFLOW_CONFIG_CLIENT) private readonly workflowConfig: InternalHttpClient,
    @Inject(GATEWAY_EVENTS_SETTINGS) private readonly settings: GatewayEventsSettings,
    private readonly reflow: EventReflowService,
    private readonly subjectReflows: SubjectReflowService,
    private readonly liveTail: LiveTailService,
    private readonly tenants: TenantService,
  ) {}

  // The paths below before events/:eventId (and before /workflows/:workflowId, see the gateway's module order), so that no id swallows them.
  @Get('events')
  @ApiOperation({
    summary: "The tenant's events, newest first, each with its invocations counted by status",
    description: `Pages with \`limit\` (1-${RecentEventsPaging.maxLimit}, default ${RecentEventsPaging.defaultLimit}); \`_links.next\` carries the cursor of the next page. With \`workflow_id\`, only events that invoked that workflow.`,
  })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiQuery({ name: 'workflow_id', required: false, type: String, example: 'wf_wlu3wxc26jounofs5iez75qaqa' })
  @ApiOkResponse({ type: RecentEventList })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'limit_invalid, cursor_invalid, workflow_id_invalid' })
  async recentEvents(@CurrentTenant() tenant: AuthenticatedTenant, @Query('limit') limit?: unknown, @Query('cursor') cursor?: unknown, @Query('workflow_id') wf?: unknown) {
    const filter = workflowFilter(wf);
    const size = queryText(limit, 'limit_invalid');
    // projection validates limit and cursor; its 422 passes through.
    const path = ProjectionApi.recentEvents.path({}, { limit: size, cursor: queryText(cursor, 'cursor_invalid'), workflow_id: filter });
    const page = await this.projection.read('GET', path, RecentEventPage, { tenantId: tenant.id });
    return recentEventsView(this.settings.publicBaseUrl, page, size, filter);
  }

  @Get('events/live')
  @ApiOperation({ summary: 'Live tail: attempts as they are made, as server-sent events', description: LIVE_TAIL_DESCRIPTION })
  @ApiQuery({ name: 'workflow_id', required: false, type: String, description: "Only this workflow's attempts" })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'Resume after this attempt (its SSE id); Last-Event-ID wins when both are sent' })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this attempt (its SSE id)' })
  @ApiOkResponse({ description: 'The stream', content: { 'text/event-stream': { schema: { type: 'string', example: 'id: NzU4ODQuMTI\nevent: attempt\ndata: {"event_id":"evt_…","attempt":1,…}\n\n' } } } })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'workflow_id_invalid, cursor_invalid' })
  @ApiTooManyRequestsResponse({ type: ApiErrorBody, description: 'too_many_streams: the tenant holds LIVE_TAIL_MAX_STREAMS_PER_TENANT open streams on this gateway' })
  live(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Req() req: Request,
    @Res() res: Response,
    @Headers('last-event-id') lastEventId?: unknown,
    @Query('workflow_id') wf?: unknown,
    @Query('cursor') cursor?: unknown,
  ): void {
    const filter = workflowFilter(wf);
    const resumeAfter = queryText(lastEventId, 'cursor_invalid') || queryText(cursor, 'cursor_invalid') || undefined;
    if (resumeAfter !== undefined && !decodeAttemptFeedCursor(resumeAfter)) throw ApiError.invalid(['cursor_invalid']);
    // The guard checked this key; the stream checks it again while it runs, so a revoked key stops streaming too.
    const key = bearerToken(req.headers.authorization) ?? '';
    const stillAuthorized = async () => (await this.tenants.authenticate(key))?.id === tenant.id;
    let close: () => void;
    try {
      close = this.liveTail.open(tenant.id, filter, resumeAfter, { write: (frame) => res.write(frame), end: () => res.end(), stillAuthorized });
    } catch (err) {
      if (err instanceof TooManyStreams) throw new ApiError(429, 'too_many_requests', ['too_many_streams']);
      throw err;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    // Proxies (nginx) would hold the frames back otherwise.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(': live\n\n');
    req.on('close', () => close());
  }

  @Get('events/subject/:subjectId')
  @ApiOperation({ summary: "A subject's events, newest first", description: 'Pages with `limit` (1-500, default 50); `_links.next` carries the cursor of the next page.' })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiOkResponse({ type: SubjectEventPage })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No event of this subject' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'subject_id_invalid, limit_invalid, cursor_invalid' })
  async subjectEvents(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('subjectId') subject: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    // projection validates limit and cursor; its 422 passes through.
    const page = await this.projection.read('GET', ProjectionApi.subjectEvents.path({ subjectId: subjectId(subject) }, { limit, cursor }), StoredEventPage, {
      tenantId: tenant.id,
    });
    return subjectEventsView(this.settings.publicBaseUrl, subject, page.events, page.next_cursor, limit);
  }

  @Get('events/:eventId')
  @ApiOperation({ summary: 'An event, with the status of each action it invoked' })
  @ApiOkResponse({ type: EventView })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async event(@CurrentTenant() tenant: AuthenticatedTenant, @Param('eventId') id: string) {
    const found = await this.projection.read('GET', ProjectionApi.event.path({ eventId: eventId(id) }), StoredEventWithInvocations, { tenantId: tenant.id });
    return eventView(this.settings.publicBaseUrl, found.event, found.invocations);
  }

  @Get('events/:eventId/actions/:workflowActionId')
  @ApiOperation({ summary: "An action's invocation for an event, with every attempt" })
  @ApiOkResponse({ type: InvocationView })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async invocation(@CurrentTenant() tenant: AuthenticatedTenant, @Param('eventId') id: string, @Param('workflowActionId') actionId: string) {
    if (!isId('wfa', actionId)) throw notFound();
    const found = await this.projection.read('GET', ProjectionApi.invocation.path({ eventId: eventId(id), actionId }), StoredInvocationWithAttempts, {
      tenantId: tenant.id,
    });
    return invocationView(this.settings.publicBaseUrl, id, found.invocation, found.attempts);
  }

  @Post('events/reflow')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Reflow events by ids, or by subjects, through every matching workflow or the named ones',
    description:
      'By `events`: published before the answer, which has no body (as Checkout.com). By `subjects`: counted, then queued and run in the background; ' +
      'the answer is the queued reflow, to follow at `_links.self`. Either way at most REFLOW_MAX_EVENTS events (default 10,000) per request.',
  })
  @ApiAcceptedResponse({ type: ReflowView, description: 'Reflow requested; deliveries follow. By events: no body. By subjects: the queued reflow.' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'Nothing to reflow, or a named workflow does not exist' })
  @ApiUnprocessableEntityResponse({
    type: ApiErrorBody,
    description: 'event_ids_invalid, subject_id_invalid, workflow_ids_invalid, events_or_subjects_required, reflow_too_large (more events than REFLOW_MAX_EVENTS)',
  })
  @ApiTooManyRequestsResponse({ type: ApiErrorBody, description: 'too_many_reflows: the tenant has REFLOW_MAX_UNFINISHED_PER_TENANT reflows queued or running' })
  async reflowMany(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: ReflowRequestDto): Promise<ReflowView | void> {
    if (!body.events === !body.subjects) throw ApiError.invalid(['events_or_subjects_required']);
    const workflows = body.workflows?.length ? body.workflows : undefined;
    if (body.subjects) return this.subjectReflows.start(tenant.id, body.subjects, workflows);
    await this.reflow.requireWorkflows(tenant.id, workflows);
    if ((await this.reflow.reflowEvents(tenant.id, body.events ?? [], workflows)) === 0) throw notFound();
  }

  @Get('events/reflow/:reflowId')
  @ApiOperation({ summary: 'A reflow by subjects: queued, running, completed or failed, and how far it got' })
  @ApiOkResponse({ type: ReflowView })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such reflow, or finished more than 7 days ago' })
  async reflowProgress(@CurrentTenant() tenant: AuthenticatedTenant, @Param('reflowId') id: string): Promise<ReflowView> {
    return this.subjectReflows.progress(tenant.id, id);
  }

  @Post('events/:eventId/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: 'Reflow one event through every matching workflow' })
  @ApiAcceptedResponse({ description: 'Reflow requested; deliveries follow. No body.' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such event, or no workflow matches it' })
  async reflowEvent(@CurrentTenant() tenant: AuthenticatedTenant, @Param('eventId') id: string): Promise<void> {
    if ((await this.reflow.reflowEvents(tenant.id, [eventId(id)])) === 0) throw notFound();
  }

  @Post('events/:eventId/workflow/:workflowId/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: 'Reflow one event through one workflow' })
  @ApiAcceptedResponse({ description: 'Reflow requested; deliveries follow. No body.' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such event or workflow, or the workflow does not match the event' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'workflow_ids_invalid' })
  async reflowEventThrough(@CurrentTenant() tenant: AuthenticatedTenant, @Param('eventId') id: string, @Param('workflowId') wf: string): Promise<void> {
    const event = eventId(id);
    await this.reflow.requireWorkflows(tenant.id, [workflowId(wf)]);
    if ((await this.reflow.reflowEvents(tenant.id, [event], [wf])) === 0) throw notFound();
  }

  @Post('events/subject/:subjectId/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: "Reflow a subject's events through every matching workflow", description: 'Counted, then queued and run in the background.' })
  @ApiAcceptedResponse({ type: ReflowView, description: 'Reflow requested; deliveries follow. The queued reflow, to follow at `_links.self`.' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No event of this subject' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'subject_id_invalid, reflow_too_large' })
  @ApiTooManyRequestsResponse({ type: ApiErrorBody, description: 'too_many_reflows' })
  async reflowSubject(@CurrentTenant() tenant: AuthenticatedTenant, @Param('subjectId') subject: string): Promise<ReflowView> {
    return this.subjectReflows.start(tenant.id, [subjectId(subject)], undefined);
  }

  @Post('events/subject/:subjectId/workflow/:workflowId/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: "Reflow a subject's events through one workflow", description: 'Counted, then queued and run in the background.' })
  @ApiAcceptedResponse({ type: ReflowView, description: 'Reflow requested; deliveries follow. The queued reflow, to follow at `_links.self`.' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No event of this subject, or no such workflow' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'subject_id_invalid, workflow_ids_invalid, reflow_too_large' })
  @ApiTooManyRequestsResponse({ type: ApiErrorBody, description: 'too_many_reflows' })
  async reflowSubjectThrough(@CurrentTenant() tenant: AuthenticatedTenant, @Param('subjectId') subject: string, @Param('workflowId') wf: string): Promise<ReflowView> {
    return this.subjectReflows.start(tenant.id, [subjectId(subject)], [workflowId(wf)]);
  }

  @Get(':workflowId/health')
  @ApiOperation({
    summary: "Each action's last hour: attempts, success rate, latency percentiles, 5-minute series and circuit breaker",
    description:
      'Breakers live in each delivery replica’s memory: `breaker` is their state as last observed in the recorded attempts ' +
      '(open when the newest short-circuited attempt is newer than any success; closed otherwise; unknown without attempts in the hour).',
  })
  @ApiOkResponse({ type: EndpointHealthList })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such workflow' })
  async health(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') wf: string) {
    if (!isId('wf', wf)) throw notFound();
    const workflow = await this.workflowConfig.find('GET', WorkflowConfigApi.workflowState.path({ id: wf }), WorkflowStateAnswer, { tenantId: tenant.id });
    if (!workflow) throw notFound();
    const path = ProjectionApi.endpointHealth.path({}, { action_ids: workflow.actions.map((a) => a.id).join(',') });
    const health = await this.projection.read('GET', path, EndpointHealthAnswer, { tenantId: tenant.id });
    return endpointHealthView(workflow, health);
  }

  @Post(':workflowId/test')
  @HttpCode(204)
  @ApiOperation({ summary: 'Send a sample event of each listed type through this workflow', description: 'Samples carry `data.test` and `metadata.test` = true.' })
  @ApiNoContentResponse({ description: 'The samples are on their way to the workflow’s actions' })
  @ApiNotFoundResponse({ type: ApiErrorBody, description: 'No such workflow' })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'event_types_invalid' })
  async test(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') wf: string, @Body() body: TestWorkflowDto): Promise<void> {
    if (!isId('wf', wf)) throw notFound();
    await this.reflow.test(tenant.id, wf, body.event_types);
  }
}
