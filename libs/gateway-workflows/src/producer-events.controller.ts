import { Body, Controller, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { AuthenticatedTenant, CurrentTenant, InternalHttpClient, TenantAuthGuard } from '@hookstream/gateway-auth';
import { EVENT_INGEST_CLIENT } from './internal-clients';

/** Producers publish events over HTTP; event-ingest validates them. */
@ApiTags('producer events')
@ApiSecurity('api-key')
@UseGuards(TenantAuthGuard)
@Controller('events')
export class ProducerEventsController {
  constructor(@Inject(EVENT_INGEST_CLIENT) private readonly ingest: InternalHttpClient) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish one event' })
  @ApiBody({ schema: { type: 'object' } })
  async publish(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown) {
    return (await this.ingest.call('POST', '/internal/events', { tenantId: tenant.id, body })).body;
  }

  @Post('batch')
  @HttpCode(202)
  @ApiOperation({ summary: 'Publish a batch of events (all or nothing)' })
  @ApiBody({ schema: { type: 'array', items: { type: 'object' } } })
  async publishBatch(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown) {
    return (await this.ingest.call('POST', '/internal/events/batch', { tenantId: tenant.id, body })).body;
  }
}
