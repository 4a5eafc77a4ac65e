import type { WorkflowLimits } from '@hookstream/workflow-definition';

export interface WorkflowStoreSettings {
  /** The gateway's public base URL, for _links.self. */
  publicBaseUrl: string;
  relayIntervalMs: number;
  relayBatchSize: number;
  /** What one workflow may hold; every change is checked against them. */
  limits: WorkflowLimits;
  /** Consumer group of the endpoint-disabled topic. */
  groupId: string;
}
export const WORKFLOW_STORE_SETTINGS = Symbol('WORKFLOW_STORE_SETTINGS');
