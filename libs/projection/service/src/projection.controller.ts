import { Body, Get, HttpCode, HttpException, Param, Post, Query } from '@nestjs/common';
import { ProjectionApi, type SubjectEventCounts, SubjectEventCountsQuery, type StoredEventPage, type StoredEvents, type StoredEventWithInvocations, type StoredInvocationWithAttempts } from '@hookstream/contracts';
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
    const size = pageSize(limit);
    if (size === undefined) throw invalid('limit_invalid');
    const page = await this.queries.subjectEvents(tenantId, subjectId, size, cursor);
    if (page === 'bad_cursor') throw invalid('cursor_invalid');
    if (page.events.length === 0 && !cursor) throw notFound();
    return page;
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

/** undefined for a limit that is not a whole number from 1 to MAX_PAGE. */
function pageSize(limit: string | undefined): number | undefined {
  if (limit === undefined || limit === '') return DEFAULT_PAGE;
  const size = Number(limit);
  return Number.isInteger(size) && size >= 1 && size <= MAX_PAGE ? size : undefined;
}
