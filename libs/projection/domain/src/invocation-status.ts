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
  const latest = [...attempts].sort(byTime).at(-1);
  return latest?.final ? 'failed' : 'pending';
}

function byTime(a: AttemptSummary, b: AttemptSummary): number {
  const delta = Date.parse(a.timestamp) - Date.parse(b.timestamp);
  return delta !== 0 ? delta : a.attempt - b.attempt;
}
