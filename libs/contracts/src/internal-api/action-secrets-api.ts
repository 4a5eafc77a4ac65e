import { z } from 'zod';

/**
 * workflow-config's answer to reading or rotating an action's Standard
 * Webhooks signing secret (GET …/secret, POST …/secret/rotate), which the
 * gateway passes on as it is: the newest secret, and the one it replaced
 * while that still signs.
 */
export const ActionSecretAnswer = z.object({
  secret: z.string().startsWith('whsec_'),
  previous_secret: z.string().startsWith('whsec_').optional(),
  previous_secret_expires_at: z.string().datetime().optional(),
});
export type ActionSecretAnswer = z.infer<typeof ActionSecretAnswer>;

const segment = (value: string) => `/${encodeURIComponent(value)}`;

/** Internal paths of the secret routes, for the answering and the calling side. */
export const ActionSecretPaths = {
  actionSecret: (workflowId: string, actionId: string) => `/internal/api/workflows${segment(workflowId)}/actions${segment(actionId)}/secret`,
  actionSecretRotate: (workflowId: string, actionId: string) => `/internal/api/workflows${segment(workflowId)}/actions${segment(actionId)}/secret/rotate`,
  subscriptionSecret: (uuid: string) => `/internal/api/webhooks${segment(uuid)}/secret`,
  subscriptionSecretRotate: (uuid: string) => `/internal/api/webhooks${segment(uuid)}/secret/rotate`,
} as const;
