import { z } from 'zod';
import { internalRoute } from './route';

/**
 * workflow-config's secret routes: read or rotate an action's Standard
 * Webhooks signing secret (a subscription's is its one action's), for the
 * tenant the caller's credential names.
 */
export const ActionSecretsApi = {
  /** GET: ActionSecretAnswer. */
  actionSecret: internalRoute('internal/api/workflows/:id/actions/:actionId/secret'),
  /** POST: ActionSecretAnswer, the new secret first. */
  actionSecretRotate: internalRoute('internal/api/workflows/:id/actions/:actionId/secret/rotate'),
  subscriptionSecret: internalRoute('internal/api/webhooks/:uuid/secret'),
  subscriptionSecretRotate: internalRoute('internal/api/webhooks/:uuid/secret/rotate'),
} as const;

/**
 * The answer to reading or rotating a secret, which the gateway passes on as
 * it is: the newest secret, and the one it replaced while that still signs.
 */
export const ActionSecretAnswer = z.object({
  secret: z.string().startsWith('whsec_'),
  previous_secret: z.string().startsWith('whsec_').optional(),
  previous_secret_expires_at: z.string().datetime().optional(),
});
export type ActionSecretAnswer = z.infer<typeof ActionSecretAnswer>;
