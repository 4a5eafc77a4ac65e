import type { FedAttempt } from '@hookstream/contracts';
import { attemptFrame, commentFrame, KEEP_ALIVE_FRAME } from './live-tail-frames';

const fed: FedAttempt = {
  cursor: 'NzU4ODQuMTI',
  event_id: 'evt_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  event_type: 'payment_approved',
  workflow_id: 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  action_id: 'wfa_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  attempt: 2,
  timestamp: '2026-11-22T10:00:00.000Z',
  succeeded: false,
  final: false,
  status_code: 500,
  error: 'http_status',
  duration_ms: 12.5,
  next_attempt_at: '2026-11-22T10:05:00.000Z',
  url: 'https://merchant.example/hook\r\nevent: forged',
};

/** The fields of each event in a stream, as an EventSource-style parser reads them. */
function parse(stream: string): Record<string, string>[] {
  return stream
    .split('\n\n')
    .filter(Boolean)
    .map((block) => Object.fromEntries(block.split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)])));
}

describe('live tail frames', () => {
  it('frames an attempt with its cursor as id and the rest as one line of JSON', () => {
    const frame = attemptFrame(fed);
    expect(frame.endsWith('\n\n')).toBe(true);
    const [event] = parse(frame);
    expect(event.id).toBe(fed.cursor);
    expect(event.event).toBe('attempt');
    const { cursor: _, ...rest } = fed;
    expect(JSON.parse(event.data)).toEqual(rest);
  });

  it('lets no line break inside a value end the frame or forge a field', () => {
    const frame = attemptFrame(fed);
    expect(frame.split('\n')).toHaveLength(5);
    expect(parse(frame)).toHaveLength(1);
    expect(parse(commentFrame('bad\r\nevent: x\n\ndata: y'))).toEqual([{}]);
  });

  it('keeps alive with a comment no parser turns into an event', () => {
    expect(parse(KEEP_ALIVE_FRAME)).toEqual([{}]);
    expect(KEEP_ALIVE_FRAME.startsWith(':')).toBe(true);
  });
});
