import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { SubscriptionListPage, WorkflowConfigApi } from '@hookstream/contracts';
import { AuthenticatedTenant, CurrentTenant, onBehalfOf, TenantApi } from '@hookstream/gateway-tenants';
import { ApiErrorBody, InternalHttpClient, pageLinks } from '@hookstream/gateway-http';
import { GATEWAY_WORKFLOWS_SETTINGS, GatewayWorkflowsSettings } from './gateway-workflows-settings';
import { WORKFLOW_CONFIG_CLIENT } from './internal-clients';
import { bodySchema } from './workflow.dto';
import { CreatedSubscriptionEnvelope, LIST_PAGING, SubscriptionEnvelope, SubscriptionList } from './workflow.responses';

/** A subscription as workflow-config answers it: everything but the user_id. */
type StoredSubscription = { uuid: string } & Record<string, unknown>;

/** MyCashflow's user_id is a number: the tenant's, which only the gateway knows. */
function withUserId(subscription: StoredSubscription, tenant: AuthenticatedTenant) {
  const { uuid, ...rest } = subscription;
  return { uuid, user_id: tenant.userId, ...rest };
}

/**
 * MyCashflow-style subscriptions (`/api/v1/webhooks`): a workflow with one event
 * condition underneath, seen only here (never through /workflows).
 */
@ApiTags('mycashflow webhooks')
@TenantApi()
@Controller('api/v1/webhooks')
export class SubscriptionsController {
  constructor(
    @Inject(WORKFLOW_CONFIG_CLIENT) private readonly config: InternalHttpClient,
    @Inject(GATEWAY_WORKFLOWS_SETTINGS) private readonly settings: GatewayWorkflowsSettings,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Subscribe a URL to a topic (an event type of the catalog); the answer carries the signing secret, once' })
  @ApiBody({ schema: bodySchema('SubscriptionDto') })
  @ApiCreatedResponse({ type: CreatedSubscriptionEnvelope })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'e.g. event_type_unknown, url_invalid; workflows_too_many: the tenant holds as many workflows and subscriptions as it may' })
  async create(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown) {
    const created = await this.config.call<{ data: StoredSubscription }>('POST', WorkflowConfigApi.webhooks.path(), { ...onBehalfOf(tenant), body });
    return { data: withUserId(created.body.data, tenant) };
  }

  @Get()
  @ApiOperation({ summary: 'List subscriptions', description: LIST_PAGING })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiOkResponse({ type: SubscriptionList })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'limit_invalid, cursor_invalid' })
  async list(@CurrentTenant() tenant: AuthenticatedTenant, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    if (limit === undefined && cursor === undefined) {
      const listed = await this.config.call<{ data: StoredSubscription[] }>('GET', WorkflowConfigApi.webhooks.path(), onBehalfOf(tenant));
      return { data: listed.body.data.map((s) => withUserId(s, tenant)) };
    }
    const page = await this.config.read('GET', WorkflowConfigApi.webhooks.path({}, { limit, cursor }), SubscriptionListPage, onBehalfOf(tenant));
    return { data: page.data.map((s) => withUserId(s, tenant)), _links: pageLinks(this.settings.publicBaseUrl, '/api/v1/webhooks', page.next_cursor, limit) };
  }

  @Get(':uuid')
  @ApiOperation({ summary: 'Get a subscription' })
  @ApiOkResponse({ type: SubscriptionEnvelope })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('uuid') uuid: string) {
    const found = await this.config.call<{ data: StoredSubscription }>('GET', WorkflowConfigApi.webhook.path({ uuid }), onBehalfOf(tenant));
    return { data: withUserId(found.body.data, tenant) };
  }

  @Delete(':uuid')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('uuid') uuid: string): Promise<void> {
    await this.config.call('DELETE', WorkflowConfigApi.webhook.path({ uuid }), onBehalfOf(tenant));
  }
}
