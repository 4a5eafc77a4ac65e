import { Body, createParamDecorator, Delete, ExecutionContext, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import type { Request } from 'express';
import { InternalHeaders, WorkflowConfigApi, type WorkflowHistoryPage, type WorkflowState } from '@hookstream/contracts';
import { maskSecret } from '@hookstream/logging';
import { CallerTenant, InternalCallers, InternalController } from '@hookstream/service-runtime';
import {
  actionLinks,
  actionView,
  conditionLinks,
  conditionView,
  eventTypeCatalogView,
  readActionInput,
  readConditionInput,
  readEventSourceInput,
  ReadResult,
  readSubscriptionInput,
  readWorkflowInput,
  readWorkflowPatch,
  subscriptionView,
  subscriptionWorkflow,
  ViewOptions,
  WorkflowCommand,
  workflowLimitCodes,
  workflowLinks,
  workflowSummary,
  workflowView,
} from '@hookstream/workflow-definition';
import { ChangeRequester, invalid, notFound, refusal, Requester } from './command-meta';
import { EventTypeStore } from './event-type.store';
import { readHistoryPaging, WorkflowHistory } from './workflow-history';
import { listCursor, readListPaging } from './workflow-list';
import { CommandMeta, WorkflowKind, WorkflowStore, WorkflowTarget } from './workflow.store';
import { WORKFLOW_CONFIG_SERVICE_SETTINGS, WorkflowConfigServiceSettings } from './workflow-config-service.settings';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The gateway's PUBLIC_BASE_URL, if it passed one, so _links point where clients call (this service's own setting is the fallback). */
const LinkBase = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<Request>().header(InternalHeaders.baseUrl);
  return value && /^https?:\/\/[^\s]+$/.test(value) ? value : undefined;
});

function accept<T>(read: ReadResult<T>): T {
  if (!read.ok) throw invalid(read.codes);
  return read.value;
}

/**
 * workflow-config's internal HTTP API (WorkflowConfigApi). Every call carries
 * a service credential; the tenant it acts for is the one the credential
 * names, and a change is recorded with the actor it names (the API key,
 * admin) and the public request's id. internal/api/* answers in the public
 * shapes (secrets masked) for the gateway.
 */
@InternalController(['gateway'])
export class WorkflowsInternalController {
  constructor(
    private readonly store: WorkflowStore,
    private readonly history: WorkflowHistory,
    private readonly eventTypes: EventTypeStore,
    @Inject(WORKFLOW_CONFIG_SERVICE_SETTINGS) private readonly settings: WorkflowConfigServiceSettings,
  ) {}

  private view(base: string | undefined): ViewOptions {
    return { baseUrl: base ?? this.settings.publicBaseUrl, mask: maskSecret };
  }

  // event-ingest checks producers' events against the catalog.
  @InternalCallers('gateway', 'event-ingest')
  @Get(WorkflowConfigApi.eventTypes.pattern)
  async eventTypeCatalog() {
    return eventTypeCatalogView(await this.eventTypes.rows());
  }

  /** The operator's catalog extension (the gateway's POST /admin/event-types): the catalog is shared by every tenant. */
  @Post(WorkflowConfigApi.eventTypes.pattern)
  @HttpCode(201)
  async addEventTypes(@Body() body: unknown) {
    const source = accept(readEventSourceInput(body));
    await this.eventTypes.upsert(source);
    return this.eventTypes.source(source.id);
  }

  /** Full state, secrets sealed, for the gateway's POST /workflows/{id}/test: Checkout workflows only, as every /workflows route. */
  @Get(WorkflowConfigApi.workflowState.pattern)
  async fullState(@Param('id') id: string, @CallerTenant() tenant: string): Promise<WorkflowState> {
    const state = await this.store.getSealed(id, tenant, 'workflow');
    if (!state) throw notFound();
    return state;
  }

  /** Every workflow, as the API always answered; with ?limit or ?cursor a page of them and the next page's cursor. */
  @Get(WorkflowConfigApi.workflows.pattern)
  async list(@CallerTenant() tenant: string, @LinkBase() base: string | undefined, @Query() query: Record<string, unknown>) {
    const summary = (s: WorkflowState) => workflowSummary(s, this.view(base));
    const paging = accept(readListPaging(query));
    if (!paging) return { data: (await this.store.list(tenant, 'workflow')).map(summary) };
    const page = await this.store.page(tenant, 'workflow', paging);
    return { data: page.states.map(summary), next_cursor: page.next && listCursor(page.next) };
  }

  @Post(WorkflowConfigApi.workflows.pattern)
  @HttpCode(201)
  async create(
    @ChangeRequester() by: Requester,
    @Body() body: unknown,
    @LinkBase() base: string | undefined,
  ) {
    const input = accept(readWorkflowInput(body, this.settings.limits));
    const unknown = (await this.eventTypes.catalog()).check(input.conditions);
    if (unknown.length > 0) throw invalid(unknown);
    const { id } = await this.change(by.tenant, undefined, { type: 'create', tenant_id: by.tenant, input, subscription: null }, by.meta);
    return { id, _links: workflowLinks(this.view(base), id ?? '') };
  }

  @Get(WorkflowConfigApi.workflow.pattern)
  async get(@CallerTenant() tenant: string, @Param('id') id: string, @LinkBase() base: string | undefined) {
    const state = await this.store.get(id, tenant, 'workflow');
    if (!state) throw notFound();
    return workflowView(state, this.view(base));
  }

  @Patch(WorkflowConfigApi.workflow.pattern)
  async patch(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Body() body: unknown,
    @LinkBase() base: string | undefined,
  ) {
    const patch = accept(readWorkflowPatch(body, this.settings.limits));
    const unknown = (await this.eventTypes.catalog()).check(patch.conditions ?? []);
    if (unknown.length > 0) throw invalid(unknown);
    // Nothing to change makes no event: no new version, nothing to publish.
    const { state } = await this.change(by.tenant, id, { type: 'patch', patch }, by.meta);
    return workflowView(state, this.view(base));
  }

  @Delete(WorkflowConfigApi.workflow.pattern)
  @HttpCode(204)
  async remove(@ChangeRequester() by: Requester, @Param('id') id: string): Promise<void> {
    await this.run({ tenantId: by.tenant, workflowId: id, kind: 'workflow' }, { type: 'delete' }, by.meta);
  }

  /** Newest first; a deleted workflow's too, while its events exist. */
  @Get(WorkflowConfigApi.history.pattern)
  async workflowHistory(@CallerTenant() tenant: string, @Param('id') id: string, @Query() query: Record<string, unknown>): Promise<WorkflowHistoryPage> {
    const page = await this.history.page(tenant, id, 'workflow', accept(readHistoryPaging(query)));
    if (!page) throw notFound();
    return page;
  }

  @Post(WorkflowConfigApi.actions.pattern)
  @HttpCode(201)
  async addAction(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Body() body: unknown,
    @LinkBase() base: string | undefined,
  ) {
    const input = accept(readActionInput(body, this.settings.limits));
    const outcome = await this.change(by.tenant, id, { type: 'add_action', input }, by.meta);
    return { id: outcome.id, _links: actionLinks(this.view(base), id, outcome.id ?? '') };
  }

  @Put(WorkflowConfigApi.action.pattern)
  async replaceAction(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Body() body: unknown,
    @LinkBase() base: string | undefined,
  ) {
    const input = accept(readActionInput(body, this.settings.limits));
    const { state } = await this.change(by.tenant, id, { type: 'replace_action', action_id: actionId, input }, by.meta);
    return this.actionAnswer(state, id, actionId, base);
  }

  /** An action disabled after a 410 takes jobs again. */
  @Post(WorkflowConfigApi.actionEnable.pattern)
  @HttpCode(200)
  async enableAction(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @LinkBase() base: string | undefined,
  ) {
    const { state } = await this.change(by.tenant, id, { type: 'enable_endpoint', action_id: actionId }, by.meta);
    return this.actionAnswer(state, id, actionId, base);
  }

  @Delete(WorkflowConfigApi.action.pattern)
  @HttpCode(204)
  async removeAction(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
  ): Promise<void> {
    await this.change(by.tenant, id, { type: 'remove_action', action_id: actionId }, by.meta);
  }

  @Post(WorkflowConfigApi.conditions.pattern)
  @HttpCode(201)
  async addCondition(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Body() body: unknown,
    @LinkBase() base: string | undefined,
  ) {
    const input = await this.checkedCondition(body);
    const outcome = await this.change(by.tenant, id, { type: 'add_condition', input }, by.meta);
    return { id: outcome.id, _links: conditionLinks(this.view(base), id, outcome.id ?? '') };
  }

  @Put(WorkflowConfigApi.condition.pattern)
  async replaceCondition(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Param('conditionId') conditionId: string,
    @Body() body: unknown,
    @LinkBase() base: string | undefined,
  ) {
    const input = await this.checkedCondition(body);
    const { state } = await this.change(by.tenant, id, { type: 'replace_condition', condition_id: conditionId, input }, by.meta);
    const condition = state.conditions.find((c) => c.id === conditionId);
    return { ...(condition ? conditionView(condition) : {}), _links: conditionLinks(this.view(base), id, conditionId) };
  }

  @Delete(WorkflowConfigApi.condition.pattern)
  @HttpCode(204)
  async removeCondition(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Param('conditionId') conditionId: string,
  ): Promise<void> {
    await this.change(by.tenant, id, { type: 'remove_condition', condition_id: conditionId }, by.meta);
  }

  @Post(WorkflowConfigApi.webhooks.pattern)
  @HttpCode(201)
  async subscribe(@ChangeRequester() by: Requester, @Body() body: unknown) {
    const input = accept(readSubscriptionInput(body, this.settings.limits));
    const planned = subscriptionWorkflow(input, await this.eventTypes.catalog());
    if (!planned.ok) throw invalid(planned.codes);
    const subscription = { uuid: planned.uuid, topic: input.topic, expands: input.expands };
    const { state } = await this.change(by.tenant, undefined, { type: 'create', tenant_id: by.tenant, input: planned.workflow, subscription }, by.meta, 'subscription');
    return { data: subscriptionView(state, true) };
  }

  @Get(WorkflowConfigApi.webhooks.pattern)
  async subscriptions(@CallerTenant() tenant: string, @Query() query: Record<string, unknown>) {
    const paging = accept(readListPaging(query));
    if (!paging) return { data: (await this.store.list(tenant, 'subscription')).map((s) => subscriptionView(s)) };
    const page = await this.store.page(tenant, 'subscription', paging);
    return { data: page.states.map((s) => subscriptionView(s)), next_cursor: page.next && listCursor(page.next) };
  }

  @Get(WorkflowConfigApi.webhook.pattern)
  async subscription(@CallerTenant() tenant: string, @Param('uuid') uuid: string) {
    return { data: subscriptionView(await this.findSubscription(tenant, uuid)) };
  }

  @Delete(WorkflowConfigApi.webhook.pattern)
  @HttpCode(204)
  async unsubscribe(@ChangeRequester() by: Requester, @Param('uuid') uuid: string): Promise<void> {
    const state = await this.findSubscription(by.tenant, uuid);
    await this.run({ tenantId: by.tenant, workflowId: state.id, kind: 'subscription' }, { type: 'delete' }, by.meta);
  }

  private async findSubscription(tenantId: string, uuid: string): Promise<WorkflowState> {
    const state = UUID.test(uuid) ? await this.store.findBySubscription(tenantId, uuid) : undefined;
    if (!state) throw notFound();
    return state;
  }

  private async checkedCondition(body: unknown) {
    const input = accept(readConditionInput(body, this.settings.limits));
    const unknown = (await this.eventTypes.catalog()).check([input]);
    if (unknown.length > 0) throw invalid(unknown);
    return input;
  }

  private actionAnswer(state: WorkflowState, id: string, actionId: string, base: string | undefined) {
    const action = state.actions.find((a) => a.id === actionId);
    return { ...(action ? actionView(action, this.view(base)) : {}), _links: actionLinks(this.view(base), id, actionId) };
  }

  /**
   * The command run on the workflow, or the 404, 409 or 422 it earned;
   * every state it makes must keep the limits (actions added one by one,
   * total bytes), and a create the tenant's count. A subscription is changed only through /api/v1/webhooks,
   * a workflow only through /workflows.
   */
  private async run(target: WorkflowTarget, command: WorkflowCommand, meta: CommandMeta): Promise<{ state: WorkflowState | undefined; id?: string }> {
    const outcome = await this.store.execute(target, command, meta, {
      refuse: (s) => workflowLimitCodes(s, this.settings.limits),
      maxWorkflowsPerTenant: this.settings.maxWorkflowsPerTenant,
    });
    if (!outcome.ok) throw refusal(outcome);
    return outcome;
  }

  /** A command that leaves a workflow (all but delete): its state after, and the id of what it made or changed. */
  private async change(tenantId: string, workflowId: string | undefined, command: WorkflowCommand, meta: CommandMeta, kind: WorkflowKind = 'workflow') {
    const { state, id } = await this.run({ tenantId, workflowId, kind }, command, meta);
    if (!state) throw new Error(`${command.type} left no workflow`);
    return { state, id };
  }
}
