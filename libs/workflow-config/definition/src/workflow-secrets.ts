import { randomBytes } from 'node:crypto';
import {
  type ActionConfig,
  type ActionSecretAnswer,
  mapActionSecrets,
  signingSecretsInForce,
  type WorkflowEvent,
  type WorkflowState,
} from '@hookstream/contracts';
import { unhandled } from './exhaustive';

/** A Standard Webhooks secret: whsec_ + base64 of 32 random bytes. */
export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * The state with every action's secrets passed through `transform` (a key
 * ring's seal before it is stored or published, open after it is read) and
 * nothing else changed.
 */
export function mapWorkflowSecrets(state: WorkflowState, transform: (secret: string) => string): WorkflowState {
  return { ...state, actions: state.actions.map((action) => mapActionSecrets(action, transform)) };
}

/** An action's configuration with its header values and signature key passed through `transform`: mapActionSecrets without the signing secrets it lacks. */
function mapConfigSecrets(config: ActionConfig, transform: (secret: string) => string): ActionConfig {
  const { signing_secrets: _none, ...mapped } = mapActionSecrets({ ...config, signing_secrets: [], disabled_at: null, disabled_reason: null }, transform);
  const { disabled_at: _at, disabled_reason: _reason, ...rest } = mapped;
  return rest;
}

/**
 * The event with every secret its data holds passed through `transform`
 * (sealed before it is stored or published, opened after it is read), the
 * same secret fields as mapWorkflowSecrets; nothing else changed.
 */
export function mapEventSecrets(event: WorkflowEvent, transform: (secret: string) => string): WorkflowEvent {
  switch (event.type) {
    case 'workflow.created':
      return { ...event, data: { ...event.data, actions: event.data.actions.map((action) => mapActionSecrets(action, transform)) } };
    case 'workflow.imported':
      return { ...event, data: { state: mapWorkflowSecrets(event.data.state, transform) } };
    case 'action.added':
      return { ...event, data: { action: mapActionSecrets(event.data.action, transform) } };
    case 'action.updated':
      return { ...event, data: { action: mapConfigSecrets(event.data.action, transform) } };
    case 'secret.rotated':
      return { ...event, data: { ...event.data, signing_secrets: event.data.signing_secrets.map(transform) } };
    case 'secrets.resealed':
      return {
        ...event,
        data: {
          actions: event.data.actions.map((action) => ({
            action_id: action.action_id,
            headers: Object.fromEntries(Object.entries(action.headers).map(([name, value]) => [name, transform(value)])),
            signature_key: action.signature_key === null ? null : transform(action.signature_key),
            signing_secrets: action.signing_secrets.map(transform),
          })),
        },
      };
    case 'workflow.renamed':
    case 'workflow.activated':
    case 'workflow.deactivated':
    case 'action.removed':
    case 'condition.added':
    case 'condition.updated':
    case 'condition.removed':
    case 'endpoint.disabled':
    case 'endpoint.enabled':
    case 'workflow.deleted':
      return event;
    default:
      // A new event type must say here whether it carries secrets.
      return unhandled(event, 'workflow event');
  }
}

/** GET /workflows/{id}/actions/{actionId}/secret: the newest secret, and the one it replaced while that still signs. */
export function actionSecretView(state: WorkflowState, actionId: string, now: Date): ActionSecretAnswer | undefined {
  const action = state.actions.find((a) => a.id === actionId);
  if (!action) return undefined;
  const [secret, previous] = signingSecretsInForce(action, now);
  return previous !== undefined && action.previous_secrets_expire_at !== undefined
    ? { secret, previous_secret: previous, previous_secret_expires_at: action.previous_secrets_expire_at }
    : { secret };
}
