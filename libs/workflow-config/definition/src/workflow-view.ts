import type { WebhookAction, WorkflowCondition, WorkflowState } from '@hookstream/contracts';

/** How views mask secrets and link back: given by the caller, so this stays pure. */
export interface ViewOptions {
  /** The gateway's public base URL, for _links.self. */
  baseUrl: string;
  /** First 4 characters then '*' (maskSecret of @hookstream/logging). */
  mask: (secret: string) => string;
}

export interface Links {
  self: { href: string };
}

const link = (options: ViewOptions, path: string): Links => ({ self: { href: `${options.baseUrl.replace(/\/$/, '')}${path}` } });

export function workflowLinks(options: ViewOptions, workflowId: string): Links {
  return link(options, `/workflows/${workflowId}`);
}

export function actionLinks(options: ViewOptions, workflowId: string, actionId: string): Links {
  return link(options, `/workflows/${workflowId}/actions/${actionId}`);
}

export function conditionLinks(options: ViewOptions, workflowId: string, conditionId: string): Links {
  return link(options, `/workflows/${workflowId}/conditions/${conditionId}`);
}

/** An action as the API shows it: secrets masked, signing secrets never. */
export function actionView(action: WebhookAction, options: ViewOptions) {
  return {
    id: action.id,
    type: action.type,
    url: action.url,
    headers: Object.fromEntries(Object.entries(action.headers).map(([name, value]) => [name, options.mask(value)])),
    ...(action.signature ? { signature: { method: action.signature.method, key: options.mask(action.signature.key) } } : {}),
    format: action.format,
    retry_policy: action.retry_policy,
    timeout_ms: action.timeout_ms,
    cloudevents_mode: action.cloudevents_mode,
    disabled_at: action.disabled_at,
    ...(action.disabled_reason ? { disabled_reason: action.disabled_reason } : {}),
  };
}

export function conditionView(condition: WorkflowCondition) {
  return { ...condition };
}

/** GET /workflows/{id}. */
export function workflowView(state: WorkflowState, options: ViewOptions) {
  return {
    id: state.id,
    name: state.name,
    active: state.active,
    conditions: state.conditions.map(conditionView),
    actions: state.actions.map((a) => actionView(a, options)),
    _links: workflowLinks(options, state.id),
  };
}

/** One row of GET /workflows. */
export function workflowSummary(state: WorkflowState, options: ViewOptions) {
  return { id: state.id, name: state.name, active: state.active, _links: workflowLinks(options, state.id) };
}
