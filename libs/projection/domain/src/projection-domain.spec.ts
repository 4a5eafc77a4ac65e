import { AttemptSummary, invocationStatus, matchedWorkflowVersion } from './invocation-status';
import { decodeCursor, encodeCursor } from './subject-cursor';

const at = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`;
const attempt = (n: number, minute: number, result: 'failed' | 'final failure' | 'succeeded'): AttemptSummary => ({
  attempt: n,
  timestamp: at(minute),
  succeeded: result === 'succeeded',
  final: result !== 'failed',
});

/** Every arrival order of the attempts gives the same status. */
function everyOrder<T>(attempts: T[]): T[][] {
  if (attempts.length <= 1) return [attempts];
  return attempts.flatMap((first, i) => everyOrder(attempts.filter((_, j) => j !== i)).map((rest) => [first, ...rest]));
}

describe('invocationStatus', () => {
  it('is pending with no attempts or only non-final failures', () => {
    expect(invocationStatus([])).toBe('pending');
    for (const order of everyOrder([attempt(1, 1, 'failed'), attempt(2, 2, 'failed')])) expect(invocationStatus(order)).toBe('pending');
  });

  it('is successful once any attempt succeeded, whatever the arrival order', () => {
    for (const order of everyOrder([attempt(1, 1, 'failed'), attempt(2, 2, 'failed'), attempt(3, 3, 'succeeded')])) {
      expect(invocationStatus(order)).toBe('successful');
    }
  });

  it('is failed when the latest attempt is final and failed, even if it arrived first', () => {
    for (const order of everyOrder([attempt(1, 1, 'failed'), attempt(2, 2, 'failed'), attempt(9, 9, 'final failure')])) {
      expect(invocationStatus(order)).toBe('failed');
    }
  });

  it('is pending again while a reflow runs after a failure, and follows the reflow to its end', () => {
    const failedRun = [attempt(1, 1, 'failed'), attempt(2, 2, 'final failure')];
    // A reflow numbers its attempts from 1 again: time, not the number, orders the runs.
    for (const order of everyOrder([...failedRun, attempt(1, 5, 'failed')])) expect(invocationStatus(order)).toBe('pending');
    for (const order of everyOrder([...failedRun, attempt(1, 5, 'failed'), attempt(2, 6, 'final failure')])) {
      expect(invocationStatus(order)).toBe('failed');
    }
    for (const order of everyOrder([...failedRun, attempt(1, 5, 'succeeded')])) expect(invocationStatus(order)).toBe('successful');
  });

  it('breaks a tie in time by the attempt number', () => {
    expect(invocationStatus([attempt(2, 1, 'failed'), attempt(1, 1, 'final failure')])).toBe('pending');
    expect(invocationStatus([attempt(1, 1, 'failed'), attempt(2, 1, 'final failure')])).toBe('failed');
  });
});

describe('matchedWorkflowVersion', () => {
  const versioned = (n: number, minute: number, workflow_version: number | null) => ({ ...attempt(n, minute, 'failed'), workflow_version });

  it("is the latest attempt's, whatever the arrival order: a reflow's newer version replaces the first run's", () => {
    for (const order of everyOrder([versioned(1, 1, 3), versioned(2, 2, 3), versioned(1, 5, 4)])) expect(matchedWorkflowVersion(order)).toBe(4);
    expect(matchedWorkflowVersion([versioned(2, 1, 5), versioned(1, 1, 6)])).toBe(5);
  });

  it('passes over attempts that name no version, and is null when none does', () => {
    for (const order of everyOrder([versioned(1, 1, 3), versioned(1, 5, null)])) expect(matchedWorkflowVersion(order)).toBe(3);
    expect(matchedWorkflowVersion([versioned(1, 1, null)])).toBeNull();
    expect(matchedWorkflowVersion([])).toBeNull();
  });
});

describe('subject cursor', () => {
  it('round-trips, microseconds included', () => {
    const cursor = { timestamp: '2026-11-22T10:00:00.123456Z', id: 'evt_abc' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
  });

  it('refuses what it did not issue', () => {
    expect(decodeCursor('garbage')).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
    expect(decodeCursor(Buffer.from('x|y').toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from(`${at(1)}|pay_1`).toString('base64url'))).toBeUndefined();
    expect(decodeCursor(Buffer.from(`${at(1)}|evt_1|extra`).toString('base64url'))).toBeUndefined();
  });
});
