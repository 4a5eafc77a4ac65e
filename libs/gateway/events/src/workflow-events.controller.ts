import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { isId, ProjectionApi, StoredEventPage, StoredEventWithInvocations, StoredInvocationWithAttempts } from '@hookstream/contracts';
import { AuthenticatedTenant, CurrentTenant, TenantApi } from '@hookstream/gateway-tenants';
import { ApiError, ApiErrorBody, InternalHttpClient } from '@hookstream/gateway-http';
import { EventReflowService } from './event-reflow.service';
import { EventView, InvocationView, SubjectEventPage } from './event.responses';
import { eventView, invocationView, subjectEventsView } from './event-views';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings, PROJECTION_CLIENT } from './gateway-events-settings';
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

/** What happened to events (Checkout.com rows 14-21), workflow tests (row 12), and the progress of reflows by subject (ours). */
@ApiTags('Workflow events')
@TenantApi()
@Controller('workflows')
export class WorkflowEventsController {
  constructor(
    @Inject(PROJECTION_CLIENT) private readonly projection: InternalHttpClient,
    @Inject(GATEWAY_EVENTS_SETTINGS) private readonly settings: GatewayEventsSettings,
    private readonly reflow: EventReflowService,
    private readonly subjectReflows: SubjectReflowService,
  ) {}

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
