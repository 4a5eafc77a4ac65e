import { invocationStatus } from './invocation-status';
import { subjectLink } from './resource-links';
import { decodeCursor, encodeCursor } from './subject-cursor';

const at = (minute: number) => `2026-11-22T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('invocationStatus', () => {
  it('is pending with no attempts or only non-final failures', () => {
    expect(invocationStatus([])).toBe('pending');
    expect(invocationStatus([{ attempt: 1, timestamp: at(1), succeeded: false, final: false }])).toBe('pending');
  });

  it('is successful once any attempt succeeded, whatever the arrival order', () => {
    const attempts = [
      { attempt: 3, timestamp: at(3), succeeded: true, final: true },
      { attempt: 1, timestamp: at(1), succeeded: false, final: false },
      { attempt: 2, timestamp: at(2), succeeded: false, final: false },
    ];
    expect(invocationStatus(attempts)).toBe('successful');
    expect(invocationStatus([...attempts].reverse())).toBe('successful');
  });

  it('is failed when the latest attempt is final and failed, even if it arrived first', () => {
    expect(
      invocationStatus([
        { attempt: 9, timestamp: at(9), succeeded: false, final: true },
        { attempt: 1, timestamp: at(1), succeeded: false, final: false },
      ]),
    ).toBe('failed');
  });

  it('is pending again when a reflow starts after a failure', () => {
    expect(
      invocationStatus([
        { attempt: 2, timestamp: at(2), succeeded: false, final: true },
        { attempt: 1, timestamp: at(5), succeeded: false, final: false },
      ]),
    ).toBe('pending');
  });
});

describe('cursor', () => {
  it('round-trips and refuses what it did not issue', () => {
    const cursor = { timestamp: at(1), id: 'evt_abc' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(decodeCursor('garbage')).toBeUndefined();
    expect(decodeCursor(Buffer.from('x|y').toString('base64url'))).toBeUndefined();
  });
});

describe('subjectLink', () => {
  it('links payments and disputes by prefix', () => {
    expect(subjectLink('https://api', 'pay_1')).toEqual({ rel: 'payment', href: 'https://api/payments/pay_1' });
    expect(subjectLink('https://api', 'dsp_1')).toEqual({ rel: 'dispute', href: 'https://api/disputes/dsp_1' });
    expect(subjectLink('https://api', 'zzz')).toBeUndefined();
  });
});
