import { Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ActionSecretAnswer, ActionSecretsApi } from '@hookstream/contracts';
import { AuthenticatedTenant, CurrentTenant, onBehalfOf, TenantApi } from '@hookstream/gateway-tenants';
import { ApiErrorBody, InternalHttpClient } from '@hookstream/gateway-http';
import { WORKFLOW_CONFIG_CLIENT } from './internal-clients';

/** The documented shape of ActionSecretAnswer. */
export class ActionSecret implements ActionSecretAnswer {
  @ApiProperty({ example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', description: 'The Standard Webhooks signing secret that signs every delivery (webhook-signature)' })
  secret!: string;

  @ApiPropertyOptional({ example: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD', description: 'The secret the last rotation replaced: it still signs until previous_secret_expires_at' })
  previous_secret?: string;

  @ApiPropertyOptional({ example: '2026-12-03T09:00:00.000Z', description: 'End of the rotation grace period (WEBHOOK_SECRET_ROTATION_GRACE_HOURS after the rotation)' })
  previous_secret_expires_at?: string;
}

const ROTATE_SUMMARY =
  'Rotate the signing secret: a new one signs from now on; the old one also signs for WEBHOOK_SECRET_ROTATION_GRACE_HOURS (default 24), so webhook-signature carries both meanwhile';

/**
 * Svix-style access to the Standard Webhooks secret that signs an action's
 * deliveries, so a receiver of any format can verify webhook-signature.
 */
@TenantApi()
@ApiNotFoundResponse({ type: ApiErrorBody })
@Controller()
export class ActionSecretsController {
  constructor(@Inject(WORKFLOW_CONFIG_CLIENT) private readonly config: InternalHttpClient) {}

  private async send(tenant: AuthenticatedTenant, method: 'GET' | 'POST', path: string): Promise<ActionSecretAnswer> {
    return this.config.read(method, path, ActionSecretAnswer, onBehalfOf(tenant));
  }

  @Get('workflows/:workflowId/actions/:workflowActionId/secret')
  @ApiTags('workflows')
  @ApiOperation({ summary: "Get an action's webhook signing secret (and the previous one during a rotation)" })
  @ApiOkResponse({ type: ActionSecret })
  actionSecret(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string, @Param('workflowActionId') actionId: string) {
    return this.send(tenant, 'GET', ActionSecretsApi.actionSecret.path({ id, actionId }));
  }

  @Post('workflows/:workflowId/actions/:workflowActionId/secret/rotate')
  @HttpCode(200)
  @ApiTags('workflows')
  @ApiOperation({ summary: ROTATE_SUMMARY })
  @ApiOkResponse({ type: ActionSecret })
  rotateActionSecret(@CurrentTenant() tenant: AuthenticatedTenant, @Param('workflowId') id: string, @Param('workflowActionId') actionId: string) {
    return this.send(tenant, 'POST', ActionSecretsApi.actionSecretRotate.path({ id, actionId }));
  }

  @Get('api/v1/webhooks/:uuid/secret')
  @ApiTags('mycashflow webhooks')
  @ApiOperation({ summary: "Get a subscription's signing secret (and the previous one during a rotation)" })
  @ApiOkResponse({ type: ActionSecret })
  subscriptionSecret(@CurrentTenant() tenant: AuthenticatedTenant, @Param('uuid') uuid: string) {
    return this.send(tenant, 'GET', ActionSecretsApi.subscriptionSecret.path({ uuid }));
  }

  @Post('api/v1/webhooks/:uuid/secret/rotate')
  @HttpCode(200)
  @ApiTags('mycashflow webhooks')
  @ApiOperation({ summary: ROTATE_SUMMARY })
  @ApiOkResponse({ type: ActionSecret })
  rotateSubscriptionSecret(@CurrentTenant() tenant: AuthenticatedTenant, @Param('uuid') uuid: string) {
    return this.send(tenant, 'POST', ActionSecretsApi.subscriptionSecretRotate.path({ uuid }));
  }
}
