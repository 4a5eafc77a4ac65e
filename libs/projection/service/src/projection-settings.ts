export interface ProjectionSettings {
  /** Base of the consumer group ids: see projectionGroupIds. */
  groupId: string;
  retentionDays: number;
  /** How often retention runs. */
  purgeEveryMs: number;
  /** Rows per DELETE statement: each is its own short transaction. */
  purgeBatchSize: number;
}

export const PROJECTION_SETTINGS = Symbol('PROJECTION_SETTINGS');

/**
 * One consumer group per input topic, each validating its own contract and
 * reading from the beginning when new (how a rebuild replays). Test samples
 * come from the reflow topic: they exist nowhere else.
 */
export function projectionGroupIds(groupId: string) {
  return { events: `${groupId}-events`, outcomes: `${groupId}-outcomes`, testEvents: `${groupId}-test-events` } as const;
}
