import { attemptOutcome, invocationState } from './status';

describe('attempt outcome', () => {
  it('is the status code when the receiver answered', () => {
    expect(attemptOutcome({ succeeded: true, status_code: 200 })).toEqual({ label: '200', tone: 'ok' });
    expect(attemptOutcome({ succeeded: false, status_code: 503, error: null })).toEqual({ label: '503', tone: 'fail' });
  });

  it('is the error kind when no answer came', () => {
    expect(attemptOutcome({ succeeded: false, status_code: null, error: 'timeout' })).toEqual({ label: 'timeout', tone: 'fail' });
    expect(attemptOutcome({ succeeded: false, status_code: null })).toEqual({ label: 'no answer', tone: 'fail' });
  });
});

describe('invocation state', () => {
  const now = Date.parse('2026-05-26T10:00:00Z');

  it('says delivered or failed for good, with the count of attempts', () => {
    expect(invocationState({ status: 'successful', attempts: 1 }, now)).toMatchObject({ label: 'Delivered', tone: 'ok', detail: 'Delivered after 1 attempt.' });
    expect(invocationState({ status: 'failed', attempts: 3 }, now)).toMatchObject({ label: 'Failed', tone: 'fail', detail: expect.stringContaining('after 3 attempts') });
  });

  it('says when the next attempt is due while retrying', () => {
    const state = invocationState({ status: 'pending', attempts: 2, next_attempt_at: '2026-05-26T10:05:00Z' }, now);
    expect(state).toMatchObject({ label: 'Retrying', tone: 'wait' });
    expect(state.detail).toContain('in 5 min');
    expect(invocationState({ status: 'pending', attempts: 1, next_attempt_at: null }, now).detail).toBe('1 attempt so far; another is scheduled.');
  });

  it('says queued before the first attempt', () => {
    expect(invocationState({ status: 'pending', attempts: 0 }, now)).toMatchObject({ label: 'Queued', tone: 'wait' });
  });
});
