import { AttemptRecord, classifyAttempt } from './attempt';
import { endToEndSeconds } from './end-to-end';
import { deliveryJob } from './__fixtures__/delivery-job';

const received = '2024-05-01T10:00:00.100Z';

function record(status: number, overrides: Parameters<typeof deliveryJob>[0] = {}): AttemptRecord {
  const startedAt = new Date('2024-05-01T10:00:02.000Z');
  const result = { kind: 'response', status, body: '', receivedAt: new Date(startedAt.getTime() + 400) } as const;
  return {
    job: deliveryJob({ ...overrides, event: { received_at: received, timestamp: '2024-04-30T00:00:00.000Z', ...overrides.event } }),
    startedAt,
    durationMs: 400,
    requestHeaders: {},
    result,
    verdict: classifyAttempt(result, startedAt.getTime()),
    next: { kind: 'done' },
  };
}

describe('endToEndSeconds', () => {
  it('runs from the event entering the platform to the 2xx, not from the producer’s own timestamp', () => {
    expect(endToEndSeconds(record(200))).toBeCloseTo(2.3, 6);
  });

  it('a retry’s success counts the whole wait since the event came in', () => {
    expect(endToEndSeconds(record(204, { attempt: 3, event: { received_at: '2024-05-01T09:59:00.000Z' } }))).toBeCloseTo(62.4, 6);
  });

  it.each([
    ['a failed attempt', record(503)],
    ['a reflow', record(200, { reflow: true })],
    ['a test sample', record(200, { event: { metadata: { test: true } } })],
  ])('%s is no end-to-end delivery', (_, r) => {
    expect(endToEndSeconds(r)).toBeUndefined();
  });

  it('a receiving clock ahead of the sending one never makes it negative', () => {
    expect(endToEndSeconds(record(200, { event: { received_at: '2024-05-01T10:00:05.000Z' } }))).toBe(0);
  });
});
