import { DefaultWorkflowLimits, jsonBytes, RetryScheduleBounds, WorkflowCeilings, WorkflowState } from '@hookstream/contracts';

/**
 * What one workflow may hold. workflow-config reads them from its
 * environment (WORKFLOW_MAX_*); none may pass the contract's
 * WorkflowCeilings, so a state the API accepts can always be published.
 */
export interface WorkflowLimits {
  actions: number;
  /** Entity ids of an entity condition; processing channel ids of a processing_channel condition. */
  conditionValues: number;
  /** Sources of an event condition. */
  eventSources: number;
  /** Event types of an event condition, over all its sources. */
  eventTypes: number;
  headers: number;
  /** Name and value bytes of one action's headers together. */
  headerBytes: number;
  urlLength: number;
  signatureKeyLength: number;
  nameLength: number;
  /** The whole state as JSON, as it is stored and published. */
  stateBytes: number;
}

export const DEFAULT_WORKFLOW_LIMITS: WorkflowLimits = { ...DefaultWorkflowLimits };

/** The ceiling of each limit: configuring more is refused at boot. */
export const WORKFLOW_LIMIT_CEILINGS: WorkflowLimits = {
  actions: WorkflowCeilings.actions,
  conditionValues: WorkflowCeilings.conditionValues,
  eventSources: WorkflowCeilings.eventSources,
  eventTypes: WorkflowCeilings.eventTypes,
  headers: WorkflowCeilings.headers,
  headerBytes: WorkflowCeilings.headerBytes,
  urlLength: WorkflowCeilings.urlLength,
  signatureKeyLength: WorkflowCeilings.signatureKeyLength,
  nameLength: WorkflowCeilings.nameLength,
  stateBytes: WorkflowCeilings.stateBytes,
};

/** The API asks at least this of each custom delay: a shorter one is a retry storm, not a schedule. */
export const RETRY_DELAY_MIN_MS = 1_000;
export const TIMEOUT_MS_MAX = 60_000;

/** Every custom delay between 1 s and 7 days, at most 25 of them, at most 30 days in all. */
export function retryDelaysWithinBounds(delays: readonly unknown[]): boolean {
  if (delays.length > RetryScheduleBounds.maxDelays) return false;
  let total = 0;
  for (const delay of delays) {
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < RETRY_DELAY_MIN_MS || delay > RetryScheduleBounds.maxDelayMs) return false;
    total += delay;
  }
  return total <= RetryScheduleBounds.maxTotalMs;
}

/** A timeout in whole milliseconds, 1 ms to a minute. */
export function timeoutWithinBounds(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= TIMEOUT_MS_MAX;
}

/**
 * The token of RFC 9110 field names. Anything else (spaces, colons, NUL,
 * CR/LF, non-ASCII) would make the HTTP client refuse the whole request.
 */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII, space, tab and obs-text: no NUL, CR, LF or other controls. */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
/**
 * Delivery sets these itself (framing, signatures, identity); a tenant's
 * copy would corrupt the request or be refused by the HTTP client.
 */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'content-type',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'expect',
  'te',
  'trailer',
  'proxy-connection',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);
export const HEADER_NAME_MAX_BYTES = 256;

/** The codes one action's headers earn: each name a token, each value printable, within the limits. */
export function headerCodes(headers: ReadonlyMap<string, string>, limits: WorkflowLimits): string[] {
  const codes = new Set<string>();
  if (headers.size > limits.headers) codes.add('headers_too_many');
  let bytes = 0;
  for (const [name, value] of headers) {
    if (!HEADER_NAME.test(name) || name.length > HEADER_NAME_MAX_BYTES || name === '__proto__') codes.add('header_name_invalid');
    else if (RESERVED_HEADERS.has(name.toLowerCase())) codes.add('header_name_reserved');
    if (!HEADER_VALUE.test(value)) codes.add('header_value_invalid');
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  if (bytes > limits.headerBytes) codes.add('headers_too_large');
  return [...codes];
}

/**
 * The limits a whole state must keep after a change: what the input checks
 * cannot see alone (an action added to twenty, the sum of every part).
 */
export function workflowLimitCodes(state: WorkflowState, limits: WorkflowLimits): string[] {
  const codes: string[] = [];
  if (state.actions.length > limits.actions) codes.push('actions_too_many');
  if (jsonBytes(state) > limits.stateBytes) codes.push('workflow_too_large');
  return codes;
}

