import { Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ActionSecretAnswer, InternalHeaders, WorkflowState } from '@hookstream/contracts';
import { actionSecretView, rotateSigningSecret } from '@hookstream/workflow-definition';
import { WorkflowKind, WorkflowStore } from './workflow.store';
import { WORKFLOW_STORE_SETTINGS, WorkflowStoreSettings } from './workflow-store.settings';
import { notFound, requireTenant, UUID } from './workflows.internal.controller';

/**
 * An action's Standard Webhooks signing secret, read and rotated by its
 * tenant: the only answers that carry a secret in clear, as the tenant's
 * receiver needs it to verify `webhook-signature`.
 */
@ApiExcludeController()
@Controller('internal/api')
export class ActionSecretsInternalController {
  constructor(
    private readonly store: WorkflowStore,
    @Inject(WORKFLOW_STORE_SETTINGS) private readonly settings: WorkflowStoreSettings,
  ) {}

  @Get('workflows/:id/actions/:actionId/secret')
  async actionSecret(@Headers(InternalHeaders.tenant) tenantId: string | undefined, @Param('id') id: string, @Param('actionId') actionId: string): Promise<ActionSecretAnswer> {
    return this.read(await this.store.get(id, requireTenant(tenantId), 'workflow'), actionId);
  }

  @Post('workflows/:id/actions/:actionId/secret/rotate')
  @HttpCode(200)
  async rotateActionSecret(@Headers(InternalHeaders.tenant) tenantId: string | undefined, @Param('id') id: string, @Param('actionId') actionId: string): Promise<ActionSecretAnswer> {
    return this.rotate(id, requireTenant(tenantId), actionId, 'workflow');
  }

  /** A subscription is a workflow with one action: its secret is that action's. */
  @Get('webhooks/:uuid/secret')
  async subscriptionSecret(@Headers(InternalHeaders.tenant) tenantId: string | undefined, @Param('uuid') uuid: string): Promise<ActionSecretAnswer> {
    const state = await this.subscription(requireTenant(tenantId), uuid);
    return this.read(state, state.actions[0]?.id);
  }

  @Post('webhooks/:uuid/secret/rotate')
  @HttpCode(200)
  async rotateSubscriptionSecret(@Headers(InternalHeaders.tenant) tenantId: string | undefined, @Param('uuid') uuid: string): Promise<ActionSecretAnswer> {
    const tenant = requireTenant(tenantId);
    const state = await this.subscription(tenant, uuid);
    return this.rotate(state.id, tenant, state.actions[0]?.id, 'subscription');
  }

  private read(state: WorkflowState | undefined, actionId: string | undefined): ActionSecretAnswer {
    const view = state && actionId ? actionSecretView(state, actionId, new Date()) : undefined;
    if (!view) throw notFound();
    return view;
  }

  private async rotate(id: string, tenantId: string, actionId: string | undefined, kind: WorkflowKind): Promise<ActionSecretAnswer> {
    const now = new Date();
    const rotated = await this.store.update(
      id,
      tenantId,
      (state) => {
        const change = actionId ? rotateSigningSecret(state, actionId, this.settings.secretRotationGraceMs, { now }) : undefined;
        return change?.ok ? { state: change.state, result: change.state } : { result: undefined };
      },
      kind,
    );
    return this.read(rotated, actionId);
  }

  private async subscription(tenantId: string, uuid: string): Promise<WorkflowState> {
    const state = UUID.test(uuid) ? await this.store.findBySubscription(tenantId, uuid) : undefined;
    if (!state) throw notFound();
    return state;
  }
}
