import { Body, Get, HttpCode, HttpException, Param, Post, Query } from '@nestjs/common';
import {
  type AttemptFeedPage,
  AttemptFeedPaging,
  decodeAttemptFeedCursor,
  type EndpointHealthAnswer,
  isId,
  ProjectionApi,
  type RecentEventPage,
  RecentEventsPaging,
  type SubjectEventCounts,
  SubjectEventCountsQuery,
  type StoredEventPage,
  type StoredEvents,
  type StoredEventWithInvocations,
  type StoredInvocationWithAttempts,
  WorkflowCeilings,
} from '@hookstream/contracts';
import { CallerTenant, InternalController } from '@hookstream/service-runtime';
import { ReadModelQueries } from './read-model-queries';

export const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;

// The public error shape, so that the gateway can pass these answers through.
const notFound = () => new HttpException({ error_type: 'not_found' }, 404);
const invalid = (code: string) => new HttpException({ error_type: 'request_invalid', error_codes: [code] }, 422);

/**
 * Internal read API for the gateway (ProjectionApi), for the tenant the
 * call's service credential names. Another tenant's event is a 404, exactly
 * as a missing one.
 */
@InternalController(['gateway'])
export class ProjectionController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get(ProjectionApi.event.pattern)
  async event(@CallerTenant() tenantId: string, @Param('eventId') eventId: string): Promise<StoredEventWithInvocations> {
    const event = await this.queries.event(tenantId, eventId);
    if (!event) throw notFound();
    return { event, invocations: await this.queries.invocationsOf(tenantId, eventId) };
  }

  @Get(ProjectionApi.invocation.pattern)
  async invocation(@CallerTenant() tenantId: string, @Param('eventId') eventId: string, @Param('actionId') actionId: string): Promise<StoredInvocationWithAttempts> {
    const invocation = (await this.queries.invocationsOf(tenantId, eventId)).find((i) => i.action_id === actionId);
    if (!invocation) throw notFound();
    return { invocation, attempts: await this.queries.attemptsOf(tenantId, invocation.invocation_id) };
  }

  /** A subject's events, newest first, a page at a time (reflow streams these pages). */
  @Get(ProjectionApi.subjectEvents.pattern)
  async subjectEvents(
    @CallerTenant() tenantId: string,
    @Param('subjectId') subjectId: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<StoredEventPage> {
    const size = pageSize(limit, DEFAULT_PAGE, MAX_PAGE);
    if (size === undefined) throw invalid('limit_invalid');
    const page = await this.queries.subjectEvents(tenantId, subjectId, size, cursor);
    if (page === 'bad_cursor') throw invalid('cursor_invalid');
    if (page.events.length === 0 && !cursor) throw notFound();
    return page;
  }

  /** The tenant's events, newest first; with workflow_id, those that invoked it. */
  @Get(ProjectionApi.recentEvents.pattern)
  async recentEvents(
    @CallerTenant() tenantId: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('workflow_id') workflowId?: string,
  ): Promise<RecentEventPage> {
    const size = pageSize(limit, RecentEventsPaging.defaultLimit, RecentEventsPaging.maxLimit);
    if (size === undefined) throw invalid('limit_invalid');
    if (cursor !== undefined && typeof cursor !== 'string') throw invalid('cursor_invalid');
    const page = await this.queries.recentEvents(tenantId, size, cursor || undefined, workflowFilter(workflowId));
    if (page === 'bad_cursor') throw invalid('cursor_invalid');
    return page;
  }

  /** The named actions' attempts of the last hour, one entry each, in the order named. */
  @Get(ProjectionApi.endpointHealth.pattern)
  async endpointHealth(@CallerTenant() tenantId: string, @Query('action_ids') ids?: string): Promise<EndpointHealthAnswer> {
    const actionIds = [...new Set((typeof ids === 'string' ? ids : '').split(',').filter(Boolean))];
    if (actionIds.length === 0 || actionIds.length > WorkflowCeilings.actions || !actionIds.every((id) => isId('wfa', id))) throw invalid('action_ids_invalid');
    return this.queries.endpointHealth(tenantId, actionIds, Date.now());
  }

  /** The tenant's attempts after a position, in the order written; without `after`, none and the position of now. */
  @Get(ProjectionApi.attempts.pattern)
  async attempts(
    @CallerTenant() tenantId: string,
    @Query('after') after?: string,
    @Query('limit') limit?: string,
    @Query('workflow_id') workflowId?: string,
  ): Promise<AttemptFeedPage> {
    const size = pageSize(limit, AttemptFeedPaging.defaultLimit, AttemptFeedPaging.maxLimit);
    if (size === undefined) throw invalid('limit_invalid');
    const position = typeof after === 'string' && after !== '' ? decodeAttemptFeedCursor(after) : undefined;
    if (after !== undefined && after !== '' && !position) throw invalid('cursor_invalid');
    return this.queries.attemptFeed(tenantId, position, size, workflowFilter(workflowId));
  }

  @Get(ProjectionApi.eventsByIds.pattern)
  async eventsByIds(@CallerTenant() tenantId: string, @Query('ids') ids?: string): Promise<StoredEvents> {
    const list = [...new Set((ids ?? '').split(',').filter(Boolean))];
    if (list.length > MAX_PAGE) throw invalid('event_ids_invalid');
    return { events: list.length === 0 ? [] : await this.queries.eventsByIds(tenantId, list) };
  }

  /** How many events a subject reflow would publish: the gateway bounds it before it starts. */
  @Post(ProjectionApi.subjectEventCounts.pattern)
  @HttpCode(200)
  async subjectEventCounts(@CallerTenant() tenantId: string, @Body() body: unknown): Promise<SubjectEventCounts> {
    const query = SubjectEventCountsQuery.safeParse(body);
    if (!query.success) throw invalid('subject_id_invalid');
    return { counts: await this.queries.subjectEventCounts(tenantId, [...new Set(query.data.subject_ids)], query.data.cap) };
  }
}

/** undefined for a limit that is not a whole number from 1 to max. */
function pageSize(limit: string | undefined, defaultSize: number, max: number): number | undefined {
  if (limit === undefined || limit === '') return defaultSize;
  const size = Number(limit);
  return Number.isInteger(size) && size >= 1 && size <= max ? size : undefined;
}

/** An optional workflow filter: a wf_ id, or 422 workflow_id_invalid. */
function workflowFilter(workflowId: string | undefined): string | undefined {
  if (workflowId === undefined || workflowId === '') return undefined;
  if (!isId('wf', workflowId)) throw invalid('workflow_id_invalid');
  return workflowId;
}
