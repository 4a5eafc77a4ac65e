// Retry policies: a named schedule or delays in ms, as the Workflows API takes them.
import { formatDuration } from './format';

export const NAMED_RETRY_POLICIES = ['checkout', 'caf', 'mycashflow', 'standard-webhooks'] as const;
export type RetryPolicy = (typeof NAMED_RETRY_POLICIES)[number] | number[];

/** Reads the form's text: a policy name, or delays like `1s, 30s, 5m, 1h` or `1000, 30000` (ms). */
export function parseRetryPolicy(text: string): { policy: RetryPolicy } | { error: string } {
  const trimmed = text.trim();
  const named = NAMED_RETRY_POLICIES.find((n) => n === trimmed);
  if (named) return { policy: named };
  if (!trimmed) return { error: 'Enter a policy name or a list of delays.' };
  const delays: number[] = [];
  for (const part of trimmed.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d{1,9})(ms|s|m|min|h)?$/.exec(part);
    if (!m) return { error: `"${part.slice(0, 20)}" is not a delay: write 500ms, 30s, 5m or 1h.` };
    const unit = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1;
    delays.push(Number(m[1]) * unit);
  }
  return { policy: delays };
}

/** `checkout`, or `1 s, 30 s, 5 min`. */
export function describeRetryPolicy(policy: unknown): string {
  if (typeof policy === 'string') return policy;
  if (Array.isArray(policy) && policy.every((d) => typeof d === 'number')) return policy.length ? policy.map((d) => formatDuration(d)).join(', ') : 'no retries';
  return 'unknown';
}
