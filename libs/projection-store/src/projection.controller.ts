import { BadRequestException, Controller, Get, Headers, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { CanonicalEvent, StoredEventWithInvocations, StoredInvocationWithAttempts } from '@hookstream/contracts';
import { ReadModelQueries } from './read-model-queries';

export const TENANT_HEADER = 'x-hookstream-tenant';
const MAX_PAGE = 500;

/**
 * Internal read API for the gateway, which authenticates callers and passes
 * the tenant in x-hookstream-tenant: for the internal network only. Another
 * tenant's event is a 404, exactly as a missing one.
 */
@ApiExcludeController()
@Controller('internal')
export class ProjectionController {
  constructor(private readonly queries: ReadModelQueries) {}

  @Get('events/:eventId')
  async event(@Headers(TENANT_HEADER) tenant: string | undefined, @Param('eventId') eventId: string): Promise<StoredEventWithInvocations> {
    const tenantId = requireTenant(tenant);
    const event = await this.queries.event(tenantId, eventId);
    if (!event) throw new NotFoundException({ error_type: 'not_found' });
    return { event, invocations: await this.queries.invocationsOf(tenantId, eventId) };
  }

  @Get('events/:eventId/actions/:actionId')
  async invocation(
    @Headers(TENANT_HEADER) tenant: string | undefined,
    @Param('eventId') eventId: string,
    @Param('actionId') actionId: string,
  ): Promise<StoredInvocationWithAttempts> {
    const tenantId = requireTenant(tenant);
    const invocation = (await this.queries.invocationsOf(tenantId, eventId)).find((i) => i.action_id === actionId);
    if (!invocation) throw new NotFoundException({ error_type: 'not_found' });
    return { invocation, attempts: await this.queries.attemptsOf(invocation.invocation_id) };
  }

  /** A subject's events, newest first, whole (reflow streams these pages). */
  @Get('subjects/:subjectId/events')
  async subjectEvents(
    @Headers(TENANT_HEADER) tenant: string | undefined,
    @Param('subjectId') subjectId: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    const tenantId = requireTenant(tenant);
    const size = Math.min(Math.max(Number(limit ?? 50) || 50, 1), MAX_PAGE);
    const page = await this.queries.subjectEvents(tenantId, subjectId, size, cursor);
    if (page === 'bad_cursor') throw new BadRequestException({ error_type: 'request_invalid', error_codes: ['cursor_invalid'] });
    if (page.events.length === 0 && !cursor && !(await this.queries.hasSubject(tenantId, subjectId))) {
      throw new NotFoundException({ error_type: 'not_found' });
    }
    return page;
  }

  @Get('events')
  async eventsByIds(@Headers(TENANT_HEADER) tenant: string | undefined, @Query('ids') ids?: string): Promise<{ events: CanonicalEvent[] }> {
    const tenantId = requireTenant(tenant);
    const list = (ids ?? '').split(',').filter(Boolean).slice(0, MAX_PAGE);
    return { events: list.length === 0 ? [] : await this.queries.eventsByIds(tenantId, list) };
  }
}

function requireTenant(tenantId: string | undefined): string {
  if (!tenantId) throw new BadRequestException({ error_type: 'tenant_missing', error_codes: ['tenant_required'] });
  return tenantId;
}
