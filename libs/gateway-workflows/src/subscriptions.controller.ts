import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiErrorBody, AuthenticatedTenant, CurrentTenant, InternalHttpClient, TenantAuthGuard } from '@hookstream/gateway-auth';
import { WORKFLOW_CONFIG_CLIENT } from './internal-clients';
import { SubscriptionDto } from './workflow.dto';
import { CreatedSubscriptionEnvelope, SubscriptionEnvelope, SubscriptionList } from './workflow.responses';

/** MyCashflow-style subscriptions (REFERENCE.md §3): a workflow with one event condition underneath. */
@ApiTags('mycashflow webhooks')
@ApiSecurity('api-key')
@ApiUnauthorizedResponse({ type: ApiErrorBody })
@UseGuards(TenantAuthGuard)
@Controller('api/v1/webhooks')
export class SubscriptionsController {
  constructor(@Inject(WORKFLOW_CONFIG_CLIENT) private readonly config: InternalHttpClient) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Subscribe a URL to a topic (an event type of the catalog); the answer carries the signing secret, once' })
  @ApiBody({ type: SubscriptionDto })
  @ApiCreatedResponse({ type: CreatedSubscriptionEnvelope })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'e.g. event_type_unknown, url_invalid' })
  async create(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown) {
    return (await this.config.call('POST', '/internal/api/webhooks', { tenantId: tenant.id, body })).body;
  }

  @Get()
  @ApiOperation({ summary: 'List subscriptions' })
  @ApiOkResponse({ type: SubscriptionList })
  async list(@CurrentTenant() tenant: AuthenticatedTenant) {
    return (await this.config.call('GET', '/internal/api/webhooks', { tenantId: tenant.id })).body;
  }

  @Get(':uuid')
  @ApiOperation({ summary: 'Get a subscription' })
  @ApiOkResponse({ type: SubscriptionEnvelope })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('uuid') uuid: string) {
    return (await this.config.call('GET', `/internal/api/webhooks/${encodeURIComponent(uuid)}`, { tenantId: tenant.id })).body;
  }

  @Delete(':uuid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('uuid') uuid: string): Promise<void> {
    await this.config.call('DELETE', `/internal/api/webhooks/${encodeURIComponent(uuid)}`, { tenantId: tenant.id });
  }
}
