import type { WebhookAction } from './workflow';

/**
 * The action with every secret it holds (signing key, signing secrets,
 * custom header values) passed through `transform`, and nothing else
 * changed: the one list of an action's secret fields, for whoever seals or
 * opens them.
 */
export function mapActionSecrets(action: WebhookAction, transform: (secret: string) => string): WebhookAction {
  return {
    ...action,
    // fromEntries defines own properties: a "__proto__" name stays a header.
    headers: Object.fromEntries(Object.entries(action.headers).map(([name, value]) => [name, transform(value)])),
    ...(action.signature ? { signature: { ...action.signature, key: transform(action.signature.key) } } : {}),
    signing_secrets: action.signing_secrets.map(transform),
  };
}

/**
 * The signing secrets that sign at `now`: every one until
 * previous_secrets_expire_at (a rotation's grace period), then only the
 * newest. Without an end, only the newest: a lost end never extends a grace.
 */
export function signingSecretsInForce(action: Pick<WebhookAction, 'signing_secrets' | 'previous_secrets_expire_at'>, now: Date): string[] {
  const graceEnds = action.previous_secrets_expire_at;
  return graceEnds !== undefined && now.getTime() < Date.parse(graceEnds) ? [...action.signing_secrets] : action.signing_secrets.slice(0, 1);
}
