import { Controller, Get, Headers, HttpException, Param, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type CanonicalEvent, InternalHeaders, type StoredEventPage, type StoredEventWithInvocations, type StoredInvocationWithAttempts } from '@hookstream/contracts';
import { ReadModelQueries } from './read-model-queries';

export const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;

// The public error shape, so that the gateway can pass these answers through.
const notFound = () => new HttpException({ error_type: 'not_found' }, 404);
const invalid = (code: string) => new HttpException({ error_type: 'request_invalid', error_codes: [code] }, 422);

/**
 * Internal read API for the gateway, which authenticates callers and passes
 * the tenant in x-hookstream-tenant: for the internal network only. Another
 * tenant's event is a 404, exactly as a missing one.
 *
 * GET /internal/events/{eventId}                    event + invocation statuses
 * GET /internal/events/{eventId}/actions/{actionId} one invocation + its attempts
 * GET /internal/subjects/{subjectId}/events         newest first; ?limit (1-500, 50) &cursor
 * GET /internal/events?ids=evt_a,evt_b              stored events by id (at most 500), for reflow
 */
@ApiExcludeController()
@Controller('internal')
export class ProjectionController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get('events/:eventId')
  async event(@Headers(InternalHeaders.tenant) tenant: string | undefined, @Param('eventId') eventId: string): Promise<StoredEventWithInvocations> {
    const tenantId = requireTenant(tenant);
    const event = await this.queries.event(tenantId, eventId);
    if (!event) throw notFound();
    return { event, invocations: await this.queries.invocationsOf(tenantId, eventId) };
  }

  @Get('events/:eventId/actions/:actionId')
  async invocation(
    @Headers(InternalHeaders.tenant) tenant: string | undefined,
    @Param('eventId') eventId: string,
    @Param('actionId') actionId: string,
  ): Promise<StoredInvocationWithAttempts> {
    const tenantId = requireTenant(tenant);
    const invocation = (await this.queries.invocationsOf(tenantId, eventId)).find((i) => i.action_id === actionId);
    if (!invocation) throw notFound();
    return { invocation, attempts: await this.queries.attemptsOf(invocation.invocation_id) };
  }

  /** A subject's events, newest first, a page at a time (reflow streams these pages). */
  @Get('subjects/:subjectId/events')
  async subjectEvents(
    @Headers(InternalHeaders.tenant) tenant: string | undefined,
    @Param('subjectId') subjectId: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ): Promise<StoredEventPage> {
    const tenantId = requireTenant(tenant);
    const size = pageSize(limit);
    if (size === undefined) throw invalid('limit_invalid');
    const page = await this.queries.subjectEvents(tenantId, subjectId, size, cursor);
    if (page === 'bad_cursor') throw invalid('cursor_invalid');
    if (page.events.length === 0 && !cursor) throw notFound();
    return page;
  }

  @Get('events')
  async eventsByIds(@Headers(InternalHeaders.tenant) tenant: string | undefined, @Query('ids') ids?: string): Promise<{ events: CanonicalEvent[] }> {
    const tenantId = requireTenant(tenant);
    const list = [...new Set((ids ?? '').split(',').filter(Boolean))];
    if (list.length > MAX_PAGE) throw invalid('event_ids_invalid');
    return { events: list.length === 0 ? [] : await this.queries.eventsByIds(tenantId, list) };
  }
}

function requireTenant(tenantId: string | undefined): string {
  if (!tenantId) throw new HttpException({ error_type: 'request_invalid', error_codes: ['tenant_required'] }, 400);
  return tenantId;
}

/** undefined for a limit that is not a whole number from 1 to MAX_PAGE. */
function pageSize(limit: string | undefined): number | undefined {
  if (limit === undefined || limit === '') return DEFAULT_PAGE;
  const size = Number(limit);
  return Number.isInteger(size) && size >= 1 && size <= MAX_PAGE ? size : undefined;
}
