export interface ReflowSettings {
  /** Events one reflow request may publish in all (REFLOW_MAX_EVENTS); more is refused with 422 reflow_too_large. */
  maxEvents: number;
  /** Asynchronous reflows one gateway runs at once (REFLOW_CONCURRENCY). */
  concurrency: number;
  /** Events one gateway publishes for asynchronous reflows per second, all of them together (REFLOW_EVENTS_PER_SECOND). */
  eventsPerSecond: number;
  /** Queued or running reflows a tenant may have; more answers 429 (REFLOW_MAX_UNFINISHED_PER_TENANT). */
  maxUnfinishedPerTenant: number;
  /** How long a runner holds a reflow without renewing before another gateway resumes it; tests shorten it. */
  leaseSeconds?: number;
  /** How often a gateway looks for reflows queued elsewhere or left by a stopped gateway. */
  pollMs?: number;
}

export interface LiveTailOptions {
  /** Open live tails one tenant may hold in one gateway process (LIVE_TAIL_MAX_STREAMS_PER_TENANT); more answers 429 too_many_streams. */
  maxStreamsPerTenant: number;
  /** How often a tenant's feed is read (1 s); tests shorten it. */
  pollMs?: number;
  /** How often an idle stream gets a keep-alive comment (15 s). */
  keepAliveMs?: number;
}

export interface GatewayEventsSettings {
  projectionUrl: string;
  workflowConfigUrl: string;
  publicBaseUrl: string;
  reflow: ReflowSettings;
  liveTail: LiveTailOptions;
}

export const GATEWAY_EVENTS_SETTINGS = Symbol('GATEWAY_EVENTS_SETTINGS');
export const PROJECTION_CLIENT = Symbol('PROJECTION_CLIENT');
export const WORKFLOW_CONFIG_CLIENT = Symbol('WORKFLOW_CONFIG_CLIENT');
/** What the reflow runner reads and publishes through (EventReflowService; tests give their own). */
export const REFLOW_IO = Symbol('REFLOW_IO');
/** The runner's clock (systemClock; tests give their own). */
export const REFLOW_CLOCK = Symbol('REFLOW_CLOCK');
