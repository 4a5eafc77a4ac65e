import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isId, StoredEventPage, StoredEventWithInvocations, StoredInvocationWithAttempts } from '@hookstream/contracts';
import { ApiError, AuthenticatedTenant, CurrentTenant, InternalHttpClient, TenantAuthGuard } from '@hookstream/gateway-auth';
import { EventReflowService } from './event-reflow.service';
import { eventView, invocationView, subjectEventsView } from './event-views';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings, PROJECTION_CLIENT } from './gateway-events-settings';
import { ReflowRequestDto, SUBJECT_ID, TestWorkflowDto } from './reflow.dto';

const notFound = () => new ApiError(404, 'not_found');

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

/** What happened to events (Checkout.com rows 14-21) and workflow tests (row 12). */
@ApiTags('Workflow events')
@ApiBearerAuth()
@UseGuards(TenantAuthGuard)
@Controller('workflows')
export class WorkflowEventsController {
  constructor(
    @Inject(PROJECTION_CLIENT) private readonly projection: InternalHttpClient,
    @Inject(GATEWAY_EVENTS_SETTINGS) private readonly settings: GatewayEventsSettings,
    private readonly reflow: EventReflowService,
  ) {}

  @Get('events/subject/:subjectId')
  @ApiOperation({ summary: "A subject's events, newest first (cursor paging)" })
  async subjectEvents(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('subjectId') subject: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    const size = Math.min(Math.max(Number(limit ?? 50) || 50, 1), 500);
    const query = `limit=${size}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await this.projection.call<StoredEventPage>(
      'GET',
      `/internal/subjects/${encodeURIComponent(subjectId(subject))}/events?${query}`,
      { tenantId: tenant.id },
    );
    return subjectEventsView(this.settings.publicBaseUrl, subject, res.body.events, res.body.next_cursor, size);
  }

  @Get('events/:eventId')
  @ApiOperation({ summary: 'An event, with the status of each action it invoked' })
  async event(@CurrentTenant() tenant: AuthenticatedTenant, @Param('eventId') id: string) {
    const res = await this.projection.call<StoredEventWithInvocations>('GET', `/internal/events/${eventId(id)}`, {
      tenantId: tenant.id,
    });
    return eventView(this.settings.publicBaseUrl, res.body.event, res.body.invocations);
  }

  @Get('events/:eventId/actions/:workflowActionId')
  @ApiOperation({ summary: "An action's invocation for an event, with every attempt" })
  async invocation(@CurrentTenant() tenant: AuthenticatedTenant, @Param('eventId') id: string, @Param('workflowActionId') actionId: string) {
    if (!isId('wfa', actionId)) throw notFound();
    const res = await this.projection.call<StoredInvocationWithAttempts>(
      'GET',
      `/internal/events/${eventId(id)}/actions/${actionId}`,
      { tenantId: tenant.id },
    );
    return invocationView(this.settings.publicBaseUrl, id, res.body.invocation, res.body.attempts);
  }

  @Post('events/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: 'Reflow events by ids or by subjects, optionally through given workflows only' })
  async reflowMany(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: ReflowRequestDto): Promise<void> {
    if (!body.events === !body.subjects) throw ApiError.invalid(['events_or_subjects_required']);
    const sent = body.events
      ? await this.reflow.reflowEvents(tenant.id, body.events, body.workflows)
      : await this.reflow.reflowSubjects(tenant.id, body.subjects ?? [], body.workflows);
    if (sent === 0) throw notFound();
  }

  @Post('events/:eventId/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: 'Reflow one event through every matching workflow' })
  async reflowEvent(@CurrentTenant() tenant: AuthenticatedTenant, @Param('eventId') id: string): Promise<void> {
    if ((await this.reflow.reflowEvents(tenant.id, [eventId(id)])) === 0) throw notFound();
  }

  @Post('events/:eventId/workflow/:workflowId/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: 'Reflow one event through one workflow' })
  async reflowEventThrough(@CurrentTenant() tenant: AuthenticatedTenant, @Param('eventId') id: string, @Param('workflowId') wf: string): Promise<void> {
    if ((await this.reflow.reflowEvents(tenant.id, [eventId(id)], [workflowId(wf)])) === 0) throw notFound();
  }

  @Post('events/subject/:subjectId/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: "Reflow a subject's events through every matching workflow" })
  async reflowSubject(@CurrentTenant() tenant: AuthenticatedTenant, @Param('subjectId') subject: string): Promise<void> {
    if ((await this.reflow.reflowSubjects(tenant.id, [subjectId(subject)])) === 0) throw notFound();
  }

  @Post('events/subject/:subjectId/workflow/:workflowId/reflow')
  @HttpCode(202)
  @ApiOperation({ summary: "Reflow a subject's events through one workflow" })
  async reflowSubjectThrough(@CurrentTenant() tenant: AuthenticatedTenant, @Param('subjectId') subject: string, @Param('workflowId') wf: string): Promise<void> {
    if ((await this.reflow.reflowSubjects(tenant.id, [subjectId(subject)], [workflowId(wf)])) === 0) throw notFound();
  }

  @Post(':workflowId/test')
  @HttpCode(204)
  @ApiOperation({ summary: 'Send a sample event of each listed type through this workflow' })
  async test(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') wf: string, @Body() body: TestWorkflowDto): Promise<void> {
    if (!isId('wf', wf)) throw notFound();
    await this.reflow.test(tenant.id, wf, body.event_types);
  }
}
