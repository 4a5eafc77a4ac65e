export interface MatchingSettings {
  /**
   * Shared group for canonical events; `<groupId>-reflow` for reflow
   * requests; `<groupId>-index-<random>`, one per instance, for the config topic.
   */
  groupId: string;
  /** A delivery job larger than this as JSON is dead-lettered: the broker would refuse it. */
  maxJobBytes: number;
  /** How the index is compared with workflow-config's deliverable workflows; undefined: never (the index is only as good as the config topic). */
  indexCheck?: IndexCheckSettings;
}

export interface IndexCheckSettings {
  workflowConfigUrl: string;
  /** How often the index is compared while it agrees (more often while it does not). */
  everyMs: number;
  /** How long a disagreement is a change still on its way before the matcher says it is not ready. */
  graceMs: number;
}

export const MATCHING_SETTINGS = Symbol('MATCHING_SETTINGS');
