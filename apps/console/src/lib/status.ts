// What an attempt and an invocation amount to, in the words and colours the console shows.
import { formatRelative } from './format';

export type Tone = 'ok' | 'fail' | 'wait';

export interface Outcome {
  label: string;
  tone: Tone;
}

/** An attempt as the API and the live tail report it. */
export interface AttemptFacts {
  succeeded: boolean;
  status_code: number | null | undefined;
  /** The error kind when no answer came (timeout, refused, circuit_open, …). */
  error?: string | null;
}

/** `200`, `503`, `timeout`: the status code when the receiver answered, else why it did not. */
export function attemptOutcome(attempt: AttemptFacts): Outcome {
  const tone: Tone = attempt.succeeded ? 'ok' : 'fail';
  if (typeof attempt.status_code === 'number') return { label: String(attempt.status_code), tone };
  if (attempt.error) return { label: attempt.error, tone };
  return { label: attempt.succeeded ? 'delivered' : 'no answer', tone };
}

export interface InvocationFacts {
  status: 'pending' | 'successful' | 'failed';
  attempts: number;
  /** When the next attempt is due; null or absent when none is. */
  next_attempt_at?: string | null;
}

export interface InvocationState extends Outcome {
  /** What happens next, in a sentence. */
  detail: string;
}

/** Delivered, failed for good, retrying (and when), or waiting for its first attempt. */
export function invocationState(invocation: InvocationFacts, now: number): InvocationState {
  const tries = `${invocation.attempts} attempt${invocation.attempts === 1 ? '' : 's'}`;
  switch (invocation.status) {
    case 'successful':
      return { label: 'Delivered', tone: 'ok', detail: `Delivered after ${tries}.` };
    case 'failed':
      return { label: 'Failed', tone: 'fail', detail: `Gave up after ${tries}: reflow the event once the receiver is fixed.` };
    case 'pending':
      if (invocation.attempts === 0) return { label: 'Queued', tone: 'wait', detail: 'Waiting for its first attempt.' };
      if (invocation.next_attempt_at)
        return { label: 'Retrying', tone: 'wait', detail: `Next attempt ${formatRelative(invocation.next_attempt_at, now)} (${invocation.next_attempt_at}).` };
      return { label: 'Retrying', tone: 'wait', detail: `${tries} so far; another is scheduled.` };
  }
}
