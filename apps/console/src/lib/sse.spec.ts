import { parseLiveAttempt, SseDecoder } from './sse';

const attempt = {
  event_id: 'evt_a',
  event_type: 'payment_approved',
  workflow_id: 'wf_a',
  action_id: 'wfa_a',
  attempt: 2,
  timestamp: '2026-05-26T10:00:00.000Z',
  succeeded: false,
  final: false,
  status_code: 503,
  error: null,
  duration_ms: 12,
  next_attempt_at: '2026-05-26T10:05:00.000Z',
  url: 'https://example.com/hook',
};

describe('SSE decoding', () => {
  it('reads frames with ids, event names and multi-line data, skipping comments', () => {
    const decoder = new SseDecoder();
    const frames = decoder.push(': keep-alive\n\nid: c1\nevent: attempt\ndata: {"a":\ndata: 1}\n\ndata: plain\n\n');
    expect(frames).toEqual([
      { id: 'c1', event: 'attempt', data: '{"a":\n1}' },
      { id: 'c1', event: 'message', data: 'plain' },
    ]);
  });

  it('reassembles frames split anywhere, CRLF included', () => {
    const text = 'id: 7\r\nevent: attempt\r\ndata: x\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const decoder = new SseDecoder();
      const frames = [...decoder.push(text.slice(0, cut)), ...decoder.push(text.slice(cut))];
      expect(frames).toEqual([{ id: '7', event: 'attempt', data: 'x' }]);
    }
  });

  it('keeps an unfinished frame until its blank line, and ignores ids holding NUL', () => {
    const decoder = new SseDecoder();
    expect(decoder.push('id: a\0b\ndata: x\n')).toEqual([]);
    expect(decoder.push('\n')).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe('live attempt frames', () => {
  it('reads an attempt frame', () => {
    expect(parseLiveAttempt({ event: 'attempt', data: JSON.stringify(attempt) })).toEqual(attempt);
  });

  it('refuses other events, broken JSON and missing fields, and tolerates odd optional ones', () => {
    expect(parseLiveAttempt({ event: 'message', data: JSON.stringify(attempt) })).toBeUndefined();
    expect(parseLiveAttempt({ event: 'attempt', data: '{' })).toBeUndefined();
    expect(parseLiveAttempt({ event: 'attempt', data: '[]' })).toBeUndefined();
    expect(parseLiveAttempt({ event: 'attempt', data: JSON.stringify({ ...attempt, event_id: 5 }) })).toBeUndefined();
    const odd = parseLiveAttempt({ event: 'attempt', data: JSON.stringify({ ...attempt, status_code: '200', duration_ms: 'x' }).replace('{', '{"__proto__":{"polluted":true},') });
    expect(odd).toMatchObject({ status_code: null, duration_ms: null });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
