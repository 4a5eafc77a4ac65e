export interface GatewayWorkflowsSettings {
  workflowConfigUrl: string;
  /** Base of the _links hrefs: those workflow-config builds, and the history's. */
  publicBaseUrl: string;
}

export const GATEWAY_WORKFLOWS_SETTINGS = Symbol('GATEWAY_WORKFLOWS_SETTINGS');
