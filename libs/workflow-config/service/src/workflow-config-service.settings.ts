import type { KeyRing } from '@hookstream/secrets';
import type { WorkflowLimits } from '@hookstream/workflow-definition';

export interface WorkflowConfigServiceSettings {
  /** The gateway's public base URL, for _links.self. */
  publicBaseUrl: string;
  relayIntervalMs: number;
  relayBatchSize: number;
  /** How often the config topic is compared with the database (and at start); 0 or unset: never. */
  configTopicCheckMs?: number;
  /** What one workflow may hold; every change is checked against them. */
  limits: WorkflowLimits;
  /** WORKFLOW_MAX_PER_TENANT: workflows and subscriptions together; a create past it answers 422 workflows_too_many (unset: no cap). */
  maxWorkflowsPerTenant?: number;
  /** Consumer group of the endpoint-disabled topic. */
  groupId: string;
  /** HOOKSTREAM_ENCRYPTION_KEYS: seals every secret before it is stored or published. */
  keyRing: KeyRing;
  /** WEBHOOK_SECRET_ROTATION_GRACE_HOURS, in ms: how long a rotated-out signing secret still signs. */
  secretRotationGraceMs: number;
}
export const WORKFLOW_CONFIG_SERVICE_SETTINGS = Symbol('WORKFLOW_CONFIG_SERVICE_SETTINGS');
