import { Body, createParamDecorator, Delete, ExecutionContext, Get, HttpCode, HttpException, Inject, Param, Patch, Post, Put } from '@nestjs/common';
import type { Request } from 'express';
import { InternalHeaders, WorkflowConfigApi, type WorkflowState } from '@hookstream/contracts';
import { maskSecret } from '@hookstream/logging';
import { CallerTenant, InternalCallers, InternalController } from '@hookstream/service-runtime';
import {
  actionLinks,
  actionView,
  addAction,
  addCondition,
  ChangeContext,
  ChangeResult,
  conditionLinks,
  conditionView,
  createWorkflow,
  eventTypeCatalogView,
  patchWorkflow,
  readActionInput,
  readConditionInput,
  readEventSourceInput,
  ReadResult,
  readSubscriptionInput,
  readWorkflowInput,
  readWorkflowPatch,
  removeAction,
  removeCondition,
  replaceAction,
  replaceCondition,
  subscriptionView,
  subscriptionWorkflow,
  ViewOptions,
  workflowLinks,
  workflowSummary,
  workflowLimitCodes,
  workflowView,
} from '@hookstream/workflow-definition';
import { EventTypeStore } from './event-type.store';
import { WorkflowStore } from './workflow.store';
import { WORKFLOW_CONFIG_SERVICE_SETTINGS, WorkflowConfigServiceSettings } from './workflow-config-service.settings';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (codes: string[]) => new HttpException({ error_type: 'request_invalid', error_codes: codes }, 422);
export const notFound = () => new HttpException({ error_type: 'not_found' }, 404);

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
 * names. internal/api/* answers in the public shapes (secrets masked) for the
 * gateway.
 */
@InternalController(['gateway'])
export class WorkflowsInternalController {
  constructor(
    private readonly store: WorkflowStore,
    private readonly eventTypes: EventTypeStore,
    @Inject(WORKFLOW_CONFIG_SERVICE_SETTINGS) private readonly settings: WorkflowConfigServiceSettings,
  ) {}

  private view(base: string | undefined): ViewOptions {
    return { baseUrl: base ?? this.settings.publicBaseUrl, mask: maskSecret };
  }

  private ctx(): ChangeContext {
    return { now: new Date() };
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

  @Get(WorkflowConfigApi.workflows.pattern)
  async list(@CallerTenant() tenant: string, @LinkBase() base: string | undefined) {
    const states = await this.store.list(tenant, 'workflow');
    return { data: states.map((s) => workflowSummary(s, this.view(base))) };
  }

  @Post(WorkflowConfigApi.workflows.pattern)
  @HttpCode(201)
  async create(@CallerTenant() tenant: string, @Body() body: unknown, @LinkBase() base: string | undefined) {
    const input = accept(readWorkflowInput(body, this.settings.limits));
    const unknown = (await this.eventTypes.catalog()).check(input.conditions);
    if (unknown.length > 0) throw invalid(unknown);
    const state = this.withinLimits(createWorkflow(tenant, input, this.ctx()));
    await this.store.create(state);
    return { id: state.id, _links: workflowLinks(this.view(base), state.id) };
  }

  @Get(WorkflowConfigApi.workflow.pattern)
  async get(@CallerTenant() tenant: string, @Param('id') id: string, @LinkBase() base: string | undefined) {
    const state = await this.store.get(id, tenant, 'workflow');
    if (!state) throw notFound();
    return workflowView(state, this.view(base));
  }

  @Patch(WorkflowConfigApi.workflow.pattern)
  async patch(@CallerTenant() tenant: string, @Param('id') id: string, @Body() body: unknown, @LinkBase() base: string | undefined) {
    const patch = accept(readWorkflowPatch(body, this.settings.limits));
    // Nothing to change: no new version, nothing to publish.
    if (Object.keys(patch).length === 0) return this.get(tenant, id, base);
    const unknown = (await this.eventTypes.catalog()).check(patch.conditions ?? []);
    if (unknown.length > 0) throw invalid(unknown);
    const state = await this.change(id, tenant, (s) => patchWorkflow(s, patch, this.ctx()));
    return workflowView(state.state, this.view(base));
  }

  @Delete(WorkflowConfigApi.workflow.pattern)
  @HttpCode(204)
  async remove(@CallerTenant() tenant: string, @Param('id') id: string): Promise<void> {
    if (!(await this.store.delete(id, tenant, 'workflow'))) throw notFound();
  }

  @Post(WorkflowConfigApi.actions.pattern)
  @HttpCode(201)
  async addAction(@CallerTenant() tenant: string, @Param('id') id: string, @Body() body: unknown, @LinkBase() base: string | undefined) {
    const input = accept(readActionInput(body, this.settings.limits));
    const { result } = await this.change(id, tenant, (s) => addAction(s, input, this.ctx()));
    return { id: result.id, _links: actionLinks(this.view(base), id, result.id ?? '') };
  }

  @Put(WorkflowConfigApi.action.pattern)
  async replaceAction(
    @CallerTenant() tenant: string,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
    @Body() body: unknown,
    @LinkBase() base: string | undefined,
  ) {
    const input = accept(readActionInput(body, this.settings.limits));
    const { state } = await this.change(id, tenant, (s) => replaceAction(s, actionId, input, this.ctx()));
    const action = state.actions.find((a) => a.id === actionId);
    return { ...(action ? actionView(action, this.view(base)) : {}), _links: actionLinks(this.view(base), id, actionId) };
  }

  @Delete(WorkflowConfigApi.action.pattern)
  @HttpCode(204)
  async removeAction(@CallerTenant() tenant: string, @Param('id') id: string, @Param('actionId') actionId: string): Promise<void> {
    await this.change(id, tenant, (s) => removeAction(s, actionId, this.ctx()));
  }

  @Post(WorkflowConfigApi.conditions.pattern)
  @HttpCode(201)
  async addCondition(@CallerTenant() tenant: string, @Param('id') id: string, @Body() body: unknown, @LinkBase() base: string | undefined) {
    const input = await this.checkedCondition(body);
    const { result } = await this.change(id, tenant, (s) => addCondition(s, input, this.ctx()));
    return { id: result.id, _links: conditionLinks(this.view(base), id, result.id ?? '') };
  }

  @Put(WorkflowConfigApi.condition.pattern)
  async replaceCondition(
    @CallerTenant() tenant: string,
    @Param('id') id: string,
    @Param('conditionId') conditionId: string,
    @Body() body: unknown,
    @LinkBase() base: string | undefined,
  ) {
    const input = await this.checkedCondition(body);
    const { state } = await this.change(id, tenant, (s) => replaceCondition(s, conditionId, input, this.ctx()));
    const condition = state.conditions.find((c) => c.id === conditionId);
    return { ...(condition ? conditionView(condition) : {}), _links: conditionLinks(this.view(base), id, conditionId) };
  }

  @Delete(WorkflowConfigApi.condition.pattern)
  @HttpCode(204)
  async removeCondition(
    @CallerTenant() tenant: string,
    @Param('id') id: string,
    @Param('conditionId') conditionId: string,
  ): Promise<void> {
    await this.change(id, tenant, (s) => removeCondition(s, conditionId, this.ctx()));
  }

  @Post(WorkflowConfigApi.webhooks.pattern)
  @HttpCode(201)
  async subscribe(@CallerTenant() tenant: string, @Body() body: unknown) {
    const input = accept(readSubscriptionInput(body, this.settings.limits));
    const planned = subscriptionWorkflow(input, await this.eventTypes.catalog());
    if (!planned.ok) throw invalid(planned.codes);
    const state = this.withinLimits(createWorkflow(tenant, planned.workflow, this.ctx(), { uuid: planned.uuid, topic: input.topic, expands: input.expands }));
    await this.store.create(state);
    return { data: subscriptionView(state, true) };
  }

  @Get(WorkflowConfigApi.webhooks.pattern)
  async subscriptions(@CallerTenant() tenant: string) {
    const states = await this.store.list(tenant, 'subscription');
    return { data: states.map((s) => subscriptionView(s)) };
  }

  @Get(WorkflowConfigApi.webhook.pattern)
  async subscription(@CallerTenant() tenant: string, @Param('uuid') uuid: string) {
    return { data: subscriptionView(await this.findSubscription(tenant, uuid)) };
  }

  @Delete(WorkflowConfigApi.webhook.pattern)
  @HttpCode(204)
  async unsubscribe(@CallerTenant() tenant: string, @Param('uuid') uuid: string): Promise<void> {
    const state = await this.findSubscription(tenant, uuid);
    if (!(await this.store.delete(state.id, tenant, 'subscription'))) throw notFound();
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

  /** Every path that makes a state ends here: the whole state must keep the limits (actions added one by one, total bytes). */
  private withinLimits(state: WorkflowState): WorkflowState {
    const codes = workflowLimitCodes(state, this.settings.limits);
    if (codes.length > 0) throw invalid(codes);
    return state;
  }

  /** The change's new state, or the 404/422 it earned; a subscription is changed only through /api/v1/webhooks. */
  private async change(id: string, tenantId: string, change: (state: WorkflowState) => ChangeResult) {
    const outcome = await this.store.update(
      id,
      tenantId,
      (s) => {
        const r = change(s);
        if (!r.ok) throw r.status === 404 ? notFound() : invalid(r.codes);
        return { state: this.withinLimits(r.state), result: { state: r.state, result: r } };
      },
      'workflow',
    );
    if (!outcome) throw notFound();
    return outcome;
  }
}
