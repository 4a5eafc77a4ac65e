// Form state to Workflows API bodies: what the form may leave empty, and the checks that save a round trip.
import { parseRetryPolicy, type RetryPolicy } from './retry-policy';

// The bundle leaves the contracts lib out (it needs node:crypto); contract-copies.spec.ts holds these copies to it.
export const FORMATS = ['checkout', 'cloudevents', 'caf', 'mycashflow'] as const;
export const ACTION_TIMEOUT_MAX_MS = 60_000;

export interface HeaderRow {
  name: string;
  value: string;
}

export interface ActionForm {
  url: string;
  format: string;
  retryPolicy: string;
  timeoutMs: string;
  headers: HeaderRow[];
  signatureKey: string;
}

export interface ActionBody {
  type: 'webhook';
  url: string;
  format: string;
  retry_policy: RetryPolicy;
  timeout_ms?: number;
  headers: Record<string, string>;
  signature?: { method: 'HMACSHA256'; key: string };
}

export const emptyActionForm = (): ActionForm => ({ url: '', format: 'checkout', retryPolicy: 'checkout', timeoutMs: '', headers: [], signatureKey: '' });

export function actionBody(form: ActionForm): { body: ActionBody } | { errors: string[] } {
  const errors: string[] = [];
  const url = form.url.trim();
  if (!/^https?:\/\/\S+$/i.test(url)) errors.push('The URL must be an absolute http(s) URL.');
  const retry = parseRetryPolicy(form.retryPolicy);
  if ('error' in retry) errors.push(`Retry policy: ${retry.error}`);
  const timeout = form.timeoutMs.trim() ? Number(form.timeoutMs.trim()) : undefined;
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0 && timeout <= ACTION_TIMEOUT_MAX_MS)) errors.push(`The timeout is a whole number of ms from 1 to ${ACTION_TIMEOUT_MAX_MS}.`);
  const headers: Record<string, string> = {};
  for (const row of form.headers) {
    const name = row.name.trim();
    if (!name && !row.value) continue;
    if (!name) errors.push('A header has a value but no name.');
    else if (!row.value) errors.push(`Enter the value of header ${name} (values are never shown back, so they must be entered again to save).`);
    else headers[name] = row.value;
  }
  if (errors.length || 'error' in retry) return { errors };
  return {
    body: {
      type: 'webhook',
      url,
      format: form.format,
      retry_policy: retry.policy,
      ...(timeout !== undefined ? { timeout_ms: timeout } : {}),
      headers,
      ...(form.signatureKey ? { signature: { method: 'HMACSHA256', key: form.signatureKey } } : {}),
    },
  };
}

/** `ent_a, ent_b` or one a line → ids, without blanks or repeats. */
export function idList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

/** Checked [source, type] pairs → the event condition's map. */
export function eventsBySource(selected: readonly (readonly [string, string])[]): Record<string, string[]> {
  const events = new Map<string, string[]>();
  for (const [source, type] of selected) events.set(source, [...(events.get(source) ?? []), type]);
  return Object.fromEntries(events);
}
