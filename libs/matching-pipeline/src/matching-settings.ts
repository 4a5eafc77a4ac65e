export interface MatchingSettings {
  /**
   * Shared group for canonical events; `<groupId>-reflow` for reflow
   * requests; `<groupId>-index-<random>`, one per instance, for the config topic.
   */
  groupId: string;
}

export const MATCHING_SETTINGS = Symbol('MATCHING_SETTINGS');
