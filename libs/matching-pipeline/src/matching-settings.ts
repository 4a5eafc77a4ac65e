export interface MatchingSettings {
  /** Shared group for canonical events and reflow requests. */
  groupId: string;
}

export const MATCHING_SETTINGS = Symbol('MATCHING_SETTINGS');
