export interface WorkflowStoreSettings {
  /** The gateway's public base URL, for _links.self. */
  publicBaseUrl: string;
  relayIntervalMs: number;
  relayBatchSize: number;
  /** Consumer group of the endpoint-disabled topic. */
  groupId: string;
}
export const WORKFLOW_STORE_SETTINGS = Symbol('WORKFLOW_STORE_SETTINGS');
