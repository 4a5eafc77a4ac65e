import { Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ActionSecretAnswer, ActionSecretsApi, WorkflowState } from '@hookstream/contracts';
import { CallerTenant, InternalController } from '@hookstream/service-runtime';
import { actionSecretView } from '@hookstream/workflow-definition';
import { ChangeRequester, notFound, refusal, Requester } from './command-meta';
import { CommandMeta, WorkflowKind, WorkflowStore } from './workflow.store';
import { WORKFLOW_CONFIG_SERVICE_SETTINGS, WorkflowConfigServiceSettings } from './workflow-config-service.settings';
import { UUID } from './workflows.internal.controller';

/**
 * An action's Standard Webhooks signing secret, read and rotated by its
 * tenant: the only answers that carry a secret in clear, as the tenant's
 * receiver needs it to verify `webhook-signature`.
 */
@InternalController(['gateway'])
export class ActionSecretsInternalController {
  constructor(
    private readonly store: WorkflowStore,
    @Inject(WORKFLOW_CONFIG_SERVICE_SETTINGS) private readonly settings: WorkflowConfigServiceSettings,
  ) {}

  @Get(ActionSecretsApi.actionSecret.pattern)
  async actionSecret(@CallerTenant() tenant: string, @Param('id') id: string, @Param('actionId') actionId: string): Promise<ActionSecretAnswer> {
    return this.read(await this.store.get(id, tenant, 'workflow'), actionId);
  }

  @Post(ActionSecretsApi.actionSecretRotate.pattern)
  @HttpCode(200)
  async rotateActionSecret(
    @ChangeRequester() by: Requester,
    @Param('id') id: string,
    @Param('actionId') actionId: string,
  ): Promise<ActionSecretAnswer> {
    return this.rotate(id, by.tenant, actionId, 'workflow', by.meta);
  }

  /** A subscription is a workflow with one action: its secret is that action's. */
  @Get(ActionSecretsApi.subscriptionSecret.pattern)
  async subscriptionSecret(@CallerTenant() tenant: string, @Param('uuid') uuid: string): Promise<ActionSecretAnswer> {
    const state = await this.subscription(tenant, uuid);
    return this.read(state, state.actions[0]?.id);
  }

  @Post(ActionSecretsApi.subscriptionSecretRotate.pattern)
  @HttpCode(200)
  async rotateSubscriptionSecret(
    @ChangeRequester() by: Requester,
    @Param('uuid') uuid: string,
  ): Promise<ActionSecretAnswer> {
    const state = await this.subscription(by.tenant, uuid);
    return this.rotate(state.id, by.tenant, state.actions[0]?.id, 'subscription', by.meta);
  }

  private read(state: WorkflowState | undefined, actionId: string | undefined): ActionSecretAnswer {
    const view = state && actionId ? actionSecretView(state, actionId, new Date()) : undefined;
    if (!view) throw notFound();
    return view;
  }

  private async rotate(id: string, tenantId: string, actionId: string | undefined, kind: WorkflowKind, meta: CommandMeta): Promise<ActionSecretAnswer> {
    if (!actionId) throw notFound();
    const outcome = await this.store.execute(
      { tenantId, workflowId: id, kind },
      { type: 'rotate_secret', action_id: actionId, grace_ms: this.settings.secretRotationGraceMs },
      meta,
    );
    if (!outcome.ok) throw refusal(outcome);
    return this.read(outcome.state, actionId);
  }

  private async subscription(tenantId: string, uuid: string): Promise<WorkflowState> {
    const state = UUID.test(uuid) ? await this.store.findBySubscription(tenantId, uuid) : undefined;
    if (!state) throw notFound();
    return state;
  }
}
