export type InvocationStatus = 'pending' | 'successful' | 'failed';

export interface AttemptSummary {
  attempt: number;
  /** ISO time of the attempt. */
  timestamp: string;
  succeeded: boolean;
  final: boolean;
}

/**
 * Sums up the attempts so far, in whatever order they arrived: successful
 * once any attempt succeeded; failed when the latest attempt was final and
 * none succeeded; pending otherwise (including a reflow started after a
 * failure, whose new attempts are not final yet).
 */
export function invocationStatus(attempts: readonly AttemptSummary[]): InvocationStatus {
  if (attempts.some((a) => a.succeeded)) return 'successful';
  return latest(attempts)?.final ? 'failed' : 'pending';
}

/**
 * The workflow version the invocation was last matched with, in whatever
 * order its attempts arrived: the latest attempt's (a reflow may run a newer
 * version than the first run), passing over attempts that name none (from
 * deliveries older than the field); null when none does.
 */
export function matchedWorkflowVersion(attempts: readonly (AttemptSummary & { workflow_version: number | null })[]): number | null {
  return latest(attempts.filter((a) => a.workflow_version !== null))?.workflow_version ?? null;
}

function latest<T extends AttemptSummary>(attempts: readonly T[]): T | undefined {
  return [...attempts].sort(byTime).at(-1);
}

function byTime(a: AttemptSummary, b: AttemptSummary): number {
  const delta = Date.parse(a.timestamp) - Date.parse(b.timestamp);
  return delta !== 0 ? delta : a.attempt - b.attempt;
}
