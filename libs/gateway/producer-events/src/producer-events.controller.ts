import { Body, Controller, HttpCode, Inject, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { IngestApi } from '@hookstream/contracts';
import { AuthenticatedTenant, CurrentTenant, TenantApi } from '@hookstream/gateway-tenants';
import { ApiErrorBody, InternalHttpClient } from '@hookstream/gateway-http';
import { AcceptedEvent, AcceptedEvents } from './accepted-events';
import { IngestAdmission } from './ingest-admission';
import { EVENT_INGEST_CLIENT } from './ingest-client';

/**
 * Producers publish events over HTTP, each tenant within its rate (429
 * rate_limit_exceeded with Retry-After past it; a batch costs its events).
 * event-ingest owns the producer contract: its status, body and
 * Retry-After pass through (errors in the gateway's shape: 422 with its
 * codes; 503 with Retry-After while its Postgres is down; 503 when it
 * cannot be reached at all).
 */
@ApiTags('producer events')
@TenantApi()
@ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'error_codes name what is wrong; details says where' })
@ApiTooManyRequestsResponse({
  type: ApiErrorBody,
  description: "rate_limit_exceeded: past the tenant's events per second (a batch counts each event), per gateway replica",
  headers: { 'Retry-After': { description: 'Whole seconds until the request would be let in (at least 1)', schema: { type: 'integer', minimum: 1 } } },
})
@ApiServiceUnavailableResponse({ type: ApiErrorBody, description: 'event-ingest unreachable' })
@Controller('events')
export class ProducerEventsController {
  constructor(
    @Inject(EVENT_INGEST_CLIENT) private readonly ingest: InternalHttpClient,
    private readonly admission: IngestAdmission,
  ) {}

  private async forward(route: 'events' | 'batch', tenant: AuthenticatedTenant, body: unknown, res: Response): Promise<unknown> {
    this.admission.admit(tenant.id, route, body);
    const path = route === 'events' ? IngestApi.events.path() : IngestApi.batch.path();
    const answer = await this.ingest.call('POST', path, { tenantId: tenant.id, body });
    res.status(answer.status);
    return answer.body;
  }

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish one event' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiAcceptedResponse({ type: AcceptedEvent })
  publish(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return this.forward('events', tenant, body, res);
  }

  @Post('batch')
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish a batch of events (all or nothing)' })
  @ApiBody({ schema: { type: 'array', items: { type: 'object' } } })
  @ApiAcceptedResponse({ type: AcceptedEvents })
  publishBatch(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    return this.forward('batch', tenant, body, res);
  }
}
