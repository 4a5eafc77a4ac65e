export interface GatewayEventsSettings {
  projectionUrl: string;
  workflowConfigUrl: string;
  publicBaseUrl: string;
}

export const GATEWAY_EVENTS_SETTINGS = Symbol('GATEWAY_EVENTS_SETTINGS');
export const PROJECTION_CLIENT = Symbol('PROJECTION_CLIENT');
export const WORKFLOW_CONFIG_CLIENT = Symbol('WORKFLOW_CONFIG_CLIENT');
