export interface MatchingSettings {
  /**
   * Shared group for canonical events; `<groupId>-reflow` for reflow
   * requests; `<groupId>-index-<random>`, one per instance, for the config topic.
   */
  groupId: string;
  /** A delivery job larger than this as JSON is dead-lettered: the broker would refuse it. */
  maxJobBytes: number;
}

export const MATCHING_SETTINGS = Symbol('MATCHING_SETTINGS');
