import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
  ApiUnprocessableEntityResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { WorkflowConfigApi, WorkflowHistoryPage, WorkflowHistoryPaging, WorkflowListPage } from '@hookstream/contracts';
import { AuthenticatedTenant, CurrentTenant, onBehalfOf, TenantApi } from '@hookstream/gateway-tenants';
import { ApiErrorBody, InternalHttpClient, pageLinks } from '@hookstream/gateway-http';
import { GATEWAY_WORKFLOWS_SETTINGS, GatewayWorkflowsSettings } from './gateway-workflows-settings';
import { WORKFLOW_CONFIG_CLIENT } from './internal-clients';
import { bodySchema } from './workflow.dto';
import { workflowHistoryView } from './workflow-history-view';
import { ActionWithLinks, CONDITION_WITH_LINKS, CreatedResource, EventSourceView, LIST_PAGING, WorkflowHistoryView, WorkflowList, WorkflowView } from './workflow.responses';

/**
 * Checkout.com Workflows API (workflows, actions, conditions, event types), forwarded to
 * workflow-config, which validates every body (the DTOs document them) and records
 * every change as the API key's that made it (onBehalfOf).
 */
@ApiTags('workflows')
@TenantApi()
@Controller('workflows')
export class WorkflowsController {
  constructor(
    @Inject(WORKFLOW_CONFIG_CLIENT) private readonly config: InternalHttpClient,
    @Inject(GATEWAY_WORKFLOWS_SETTINGS) private readonly settings: GatewayWorkflowsSettings,
  ) {}

  private async send(tenant: AuthenticatedTenant, method: string, to: string, body?: unknown): Promise<unknown> {
    return (await this.config.call(method, to, { ...onBehalfOf(tenant), body })).body;
  }

  @Get()
  @ApiOperation({ summary: 'List workflows', description: LIST_PAGING })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiOkResponse({ type: WorkflowList })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'limit_invalid, cursor_invalid' })
  async list(@CurrentTenant() tenant: AuthenticatedTenant, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    // Checkout.com answers every workflow: so does a request without paging parameters.
    if (limit === undefined && cursor === undefined) return this.send(tenant, 'GET', WorkflowConfigApi.workflows.path());
    // workflow-config validates limit and cursor; its 422 passes through.
    const page = await this.config.read('GET', WorkflowConfigApi.workflows.path({}, { limit, cursor }), WorkflowListPage, onBehalfOf(tenant));
    return { data: page.data, _links: pageLinks(this.settings.publicBaseUrl, '/workflows', page.next_cursor, limit) };
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a workflow' })
  @ApiBody({ schema: bodySchema('WorkflowDto') })
  @ApiCreatedResponse({ type: CreatedResource })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: "request_invalid with error_codes; workflows_too_many: the tenant holds as many workflows and subscriptions as it may (WORKFLOW_MAX_PER_TENANT)" })
  create(@CurrentTenant() tenant: AuthenticatedTenant, @Body() body: unknown) {
    return this.send(tenant, 'POST', WorkflowConfigApi.workflows.path(), body);
  }

  // Before :workflowId, so "event-types" is not taken for an id.
  @Get('event-types')
  @ApiOperation({ summary: 'Event types of the catalog, by source' })
  @ApiOkResponse({ type: [EventSourceView] })
  eventTypes(@CurrentTenant() tenant: AuthenticatedTenant) {
    return this.send(tenant, 'GET', WorkflowConfigApi.eventTypes.path());
  }

  @Get(':workflowId')
  @ApiOperation({ summary: 'Get a workflow (secrets masked)' })
  @ApiOkResponse({ type: WorkflowView })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  get(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string) {
    return this.send(tenant, 'GET', WorkflowConfigApi.workflow.path({ id }));
  }

  @Get(':workflowId/history')
  @ApiOperation({
    summary: "A workflow's changes, newest first: each with who made it, when, the version it made and what it changed (secrets masked)",
    description: `Pages with \`limit\` (1-${WorkflowHistoryPaging.maxLimit}, default ${WorkflowHistoryPaging.defaultLimit}); \`_links.next\` carries the cursor of the next, older, page. Kept after the workflow is deleted.`,
  })
  @ApiQuery({ name: 'limit', required: false, type: Number })
  @ApiQuery({ name: 'cursor', required: false, type: String })
  @ApiOkResponse({ type: WorkflowHistoryView })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody, description: 'limit_invalid, cursor_invalid' })
  async history(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    // workflow-config validates limit and cursor; its 404 and 422 pass through.
    const page = await this.config.read('GET', WorkflowConfigApi.history.path({ id }, { limit, cursor }), WorkflowHistoryPage, onBehalfOf(tenant));
    return workflowHistoryView(this.settings.publicBaseUrl, id, page, limit);
  }

  @Patch(':workflowId')
  @ApiOperation({ summary: 'Update name/active (or replace conditions/actions)' })
  @ApiBody({ schema: bodySchema('PatchWorkflowDto') })
  @ApiOkResponse({ type: WorkflowView })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody })
  patch(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string, @Body() body: unknown) {
    return this.send(tenant, 'PATCH', WorkflowConfigApi.workflow.path({ id }), body);
  }

  @Delete(':workflowId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a workflow' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorBody })
  async remove(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string): Promise<void> {
    await this.send(tenant, 'DELETE', WorkflowConfigApi.workflow.path({ id }));
  }

  @Post(':workflowId/actions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add an action' })
  @ApiBody({ schema: bodySchema('ActionDto') })
  @ApiCreatedResponse({ type: CreatedResource })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody })
  addAction(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string, @Body() body: unknown) {
    return this.send(tenant, 'POST', WorkflowConfigApi.actions.path({ id }), body);
  }

  @Put(':workflowId/actions/:workflowActionId')
  @ApiOperation({ summary: 'Update an action' })
  @ApiBody({ schema: bodySchema('ActionDto') })
  @ApiOkResponse({ type: ActionWithLinks })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody })
  replaceAction(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('workflowId') id: string,
    @Param('workflowActionId') actionId: string,
    @Body() body: unknown,
  ) {
    return this.send(tenant, 'PUT', WorkflowConfigApi.action.path({ id, actionId }), body);
  }

  @Post(':workflowId/actions/:workflowActionId/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Re-enable an action disabled after its receiver answered 410 Gone: deliveries resume' })
  @ApiOkResponse({ type: ActionWithLinks })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  enableAction(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string, @Param('workflowActionId') actionId: string) {
    return this.send(tenant, 'POST', WorkflowConfigApi.actionEnable.path({ id, actionId }));
  }

  @Delete(':workflowId/actions/:workflowActionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove an action (a workflow keeps at least one: 422 actions_required)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody })
  async removeAction(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string, @Param('workflowActionId') actionId: string) {
    await this.send(tenant, 'DELETE', WorkflowConfigApi.action.path({ id, actionId }));
  }

  @Post(':workflowId/conditions')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a condition (one per type)' })
  @ApiBody({ schema: bodySchema('ConditionDto') })
  @ApiCreatedResponse({ type: CreatedResource })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody })
  addCondition(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string, @Body() body: unknown) {
    return this.send(tenant, 'POST', WorkflowConfigApi.conditions.path({ id }), body);
  }

  @Put(':workflowId/conditions/:workflowConditionId')
  @ApiOperation({ summary: 'Update a condition' })
  @ApiBody({ schema: bodySchema('ConditionDto') })
  @ApiOkResponse({ schema: { $ref: getSchemaPath(CONDITION_WITH_LINKS) } })
  @ApiNotFoundResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody })
  replaceCondition(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('workflowId') id: string,
    @Param('workflowConditionId') conditionId: string,
    @Body() body: unknown,
  ) {
    return this.send(tenant, 'PUT', WorkflowConfigApi.condition.path({ id, conditionId }), body);
  }

  @Delete(':workflowId/conditions/:workflowConditionId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a condition (a workflow keeps at least one: 422 conditions_required)' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ type: ApiErrorBody })
  @ApiUnprocessableEntityResponse({ type: ApiErrorBody })
  async removeCondition(
    @CurrentTenant() tenant: AuthenticatedTenant,
    @Param('workflowId') id: string,
    @Param('workflowConditionId') conditionId: string,
  ) {
    await this.send(tenant, 'DELETE', WorkflowConfigApi.condition.path({ id, conditionId }));
  }
}
