export interface ProjectionSettings {
  groupId: string;
  retentionDays: number;
  /** How often retention runs. */
  purgeEveryMs: number;
}

export const PROJECTION_SETTINGS = Symbol('PROJECTION_SETTINGS');
