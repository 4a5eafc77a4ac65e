import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { IngestApi } from '@hookstream/contracts';
import { AuthenticatedTenant, CurrentTenant, TenantApi } from '@hookstream/gateway-tenants';
import { ApiErrorBody, InternalHttpClient } from '@hookstream/gateway-http';
import { AcceptedEvent, AcceptedEvents } from './accepted-events';
import { IngestAdmission } from './ingest-admission';
import { EVENT_INGEST_CLIENT } from './ingest-client';
import { SingleEventForwarder } from './single-event-forwarder';

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
    private readonly singles: SingleEventForwarder,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish one event' })
  @ApiBody({ schema: { type: 'object' } })
  @ApiAcceptedResponse({ type: AcceptedEvent })
  async publish(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown, @Req() req: Request) {
    this.admission.admit(tenant.id, 'events', body);
    const length = Number(req.headers['content-length']);
    const bytes = Number.isFinite(length) ? length : Buffer.byteLength(JSON.stringify(body) ?? '');
    return (await this.singles.forward(tenant.id, body, bytes)).body;
  }

  @Post('batch')
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish a batch of events (all or nothing)' })
  @ApiBody({ schema: { type: 'array', items: { type: 'object' } } })
  @ApiAcceptedResponse({ type: AcceptedEvents })
  async publishBatch(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown, @Res({ passthrough: true }) res: Response) {
    this.admission.admit(tenant.id, 'batch', body);
    const answer = await this.ingest.call('POST', IngestApi.batch.path(), { tenantId: tenant.id, body });
    res.status(answer.status);
    return answer.body;
  }
}
