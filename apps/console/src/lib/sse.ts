// Server-sent events read from a fetch body (EventSource cannot send Authorization):
// the WHATWG framing, fed chunk by chunk, and the live tail's attempt frames.

export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

/** Turns text chunks, split anywhere, into frames; comments (`: keep-alive`) and unknown fields are skipped. */
export class SseDecoder {
  private buffer = '';
  private data: string[] = [];
  private event = '';
  private id: string | undefined;

  push(chunk: string): SseFrame[] {
    this.buffer += chunk;
    const frames: SseFrame[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (c === '\r' && i === this.buffer.length - 1) break;
      const frame = this.line(this.buffer.slice(start, i));
      if (frame) frames.push(frame);
      if (c === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return frames;
  }

  private line(line: string): SseFrame | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    return undefined;
  }

  private dispatch(): SseFrame | undefined {
    const frame = this.data.length ? { ...(this.id !== undefined ? { id: this.id } : {}), event: this.event || 'message', data: this.data.join('\n') } : undefined;
    this.data = [];
    this.event = '';
    return frame;
  }
}

/** One attempt of the live tail (GET /workflows/events/live). */
export interface LiveAttempt {
  event_id: string;
  event_type: string;
  workflow_id: string;
  action_id: string;
  attempt: number;
  timestamp: string;
  succeeded: boolean;
  final: boolean;
  status_code: number | null;
  error: string | null;
  duration_ms: number | null;
  next_attempt_at: string | null;
  url: string;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const orNull = <T>(v: unknown, guard: (v: unknown) => v is T): T | null => (guard(v) ? v : null);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** An `attempt` frame's data, checked field by field; undefined for anything else. */
export function parseLiveAttempt(frame: SseFrame): LiveAttempt | undefined {
  if (frame.event !== 'attempt') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(frame.data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (!isString(v.event_id) || !isString(v.workflow_id) || !isString(v.action_id) || !isString(v.timestamp) || typeof v.succeeded !== 'boolean') return undefined;
  return {
    event_id: v.event_id,
    event_type: isString(v.event_type) ? v.event_type : '',
    workflow_id: v.workflow_id,
    action_id: v.action_id,
    attempt: isNumber(v.attempt) ? v.attempt : 1,
    timestamp: v.timestamp,
    succeeded: v.succeeded,
    final: v.final === true,
    status_code: orNull(v.status_code, isNumber),
    error: orNull(v.error, isString),
    duration_ms: orNull(v.duration_ms, isNumber),
    next_attempt_at: orNull(v.next_attempt_at, isString),
    url: isString(v.url) ? v.url : '',
  };
}
