import { type ActionSecretAnswer, mapActionSecrets, signingSecretsInForce, type WorkflowState } from '@hookstream/contracts';
import { ChangeContext, ChangeResult, newSigningSecret, next } from './workflow-changes';

/**
 * The state with every action's secrets passed through `transform` (a key
 * ring's seal before it is stored or published, open after it is read) and
 * nothing else changed.
 */
export function mapWorkflowSecrets(state: WorkflowState, transform: (secret: string) => string): WorkflowState {
  return { ...state, actions: state.actions.map((action) => mapActionSecrets(action, transform)) };
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

/**
 * A new newest signing secret. The one it replaces keeps signing for
 * `graceMs`, so receivers can switch without losing a delivery; older ones
 * stop at once. No grace: only the new one signs.
 */
export function rotateSigningSecret(state: WorkflowState, actionId: string, graceMs: number, ctx: ChangeContext): ChangeResult {
  const action = state.actions.find((a) => a.id === actionId);
  if (!action) return { ok: false, status: 404, codes: [] };
  const fresh = (ctx.newSigningSecret ?? newSigningSecret)();
  const { previous_secrets_expire_at: _ended, ...rest } = action;
  const rotated =
    graceMs > 0
      ? { ...rest, signing_secrets: [fresh, signingSecretsInForce(action, ctx.now)[0]], previous_secrets_expire_at: new Date(ctx.now.getTime() + graceMs).toISOString() }
      : { ...rest, signing_secrets: [fresh] };
  return { ok: true, state: next(state, ctx, { actions: state.actions.map((a) => (a.id === actionId ? rotated : a)) }), id: actionId };
}
