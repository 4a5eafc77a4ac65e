/**
 * What a custom retry schedule may hold: every due time it yields must be a
 * date (delivery computes them), and a schedule must end within weeks. The
 * stored and published state keeps to the maxima; `minDelayMs` is asked by
 * the Workflows API only (422 retry_delay_too_short): states stored before it
 * may hold shorter delays, and delivery waits at least its own minimum
 * (DELIVERY_MIN_RETRY_DELAY_MS, by default this one) whatever they say.
 */
export const RetryScheduleBounds = {
  /** A shorter delay is a retry storm, not a schedule. */
  minDelayMs: 1_000,
  maxDelayMs: 7 * 24 * 3_600_000,
  maxDelays: 25,
  maxTotalMs: 30 * 24 * 3_600_000,
} as const;

/** How long delivery waits for a receiver, in whole milliseconds. */
export const ActionTimeout = { maxMs: 60_000, defaultMs: 10_000 } as const;

/**
 * The most any one workflow may hold, whatever workflow-config's (lower,
 * configurable) limits say: a state within these always fits a Kafka
 * message, and so does a delivery job of one of its actions beside a
 * typical event.
 */
export const WorkflowCeilings = {
  nameLength: 1_024,
  eventSources: 500,
  eventTypes: 5_000,
  conditionValues: 5_000,
  conditionValueLength: 256,
  actions: 100,
  urlLength: 8_192,
  headers: 100,
  headerBytes: 65_536,
  signatureKeyLength: 1_024,
  stateBytes: 512 * 1024,
} as const;

/**
 * The limits workflow-config applies unless its WORKFLOW_MAX_* variables
 * say otherwise (each at most its ceiling above); here so that the API's
 * documentation states the same numbers the API applies.
 */
export const DefaultWorkflowLimits = {
  actions: 20,
  conditionValues: 500,
  eventSources: 100,
  eventTypes: 500,
  headers: 20,
  headerBytes: 8 * 1024,
  urlLength: 2_048,
  signatureKeyLength: 256,
  nameLength: 255,
  stateBytes: 64 * 1024,
} as const;

/** What one workflow may hold: DefaultWorkflowLimits, or workflow-config's WORKFLOW_MAX_* values. */
export type WorkflowLimits = { [K in keyof typeof DefaultWorkflowLimits]: number };

/** workflow-config's variable for each limit, as the API's documentation names it. */
export const WorkflowLimitVariables = {
  actions: 'WORKFLOW_MAX_ACTIONS',
  conditionValues: 'WORKFLOW_MAX_CONDITION_VALUES',
  eventSources: 'WORKFLOW_MAX_EVENT_SOURCES',
  eventTypes: 'WORKFLOW_MAX_EVENT_TYPES',
  headers: 'WORKFLOW_MAX_HEADERS',
  headerBytes: 'WORKFLOW_MAX_HEADER_BYTES',
  urlLength: 'WORKFLOW_MAX_URL_LENGTH',
  signatureKeyLength: 'WORKFLOW_MAX_SIGNATURE_KEY_LENGTH',
  nameLength: 'WORKFLOW_MAX_NAME_LENGTH',
  stateBytes: 'WORKFLOW_MAX_STATE_BYTES',
} as const satisfies Record<keyof WorkflowLimits, string>;

/** "at most N (VARIABLE); past it 422 code": how the API's documentation states a limit. */
export const limitText = (limits: WorkflowLimits, limit: keyof WorkflowLimits, code: string): string =>
  `at most ${limits[limit]} (${WorkflowLimitVariables[limit]}); past it 422 ${code}`;
