import { type AttemptFeedPage, encodeAttemptFeedCursor, type FedAttempt } from '@hookstream/contracts';
import { DEFAULT_LIVE_TAIL, type AttemptFeed, LiveTailHub, type LiveTailSink, TooManyStreams } from './live-tail';

const WF_A = 'wf_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const WF_B = 'wf_bbbbbbbbbbbbbbbbbbbbbbbbbb';
const cursorOf = (seq: number) => encodeAttemptFeedCursor({ transaction: 7n, seq: BigInt(seq) });

/** projection's feed in memory: attempts of tenants, each at (7, seq), served after a position as projection does. */
class FakeFeed implements AttemptFeed {
  private readonly rows: { tenantId: string; attempt: FedAttempt; seq: number }[] = [];
  readonly reads: { tenantId: string; after?: string; workflowId?: string }[] = [];
  failing = false;

  add(tenantId: string, workflowId: string): FedAttempt {
    const seq = this.rows.length + 1;
    const attempt: FedAttempt = {
      cursor: cursorOf(seq),
      event_id: `evt_${String(seq).padStart(26, 'a')}`,
      event_type: 'payment_approved',
      workflow_id: workflowId,
      action_id: 'wfa_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      attempt: 1,
      timestamp: '2026-11-22T10:00:00.000Z',
      succeeded: true,
      final: true,
      status_code: 200,
      error: null,
      duration_ms: 5,
      next_attempt_at: null,
      url: 'https://merchant.example/hook',
    };
    this.rows.push({ tenantId, attempt, seq });
    return attempt;
  }

  async read(tenantId: string, query: { after?: string; limit: number; workflowId?: string }): Promise<AttemptFeedPage> {
    this.reads.push({ tenantId, after: query.after, workflowId: query.workflowId });
    if (this.failing) throw new Error('projection unreachable');
    const now = cursorOf(this.rows.length);
    if (query.after === undefined) return { attempts: [], next_cursor: now };
    const afterSeq = this.rows.find((r) => r.attempt.cursor === query.after)?.seq ?? (query.after === cursorOf(0) ? 0 : this.rows.length);
    const matching = this.rows.filter((r) => r.tenantId === tenantId && r.seq > afterSeq && (!query.workflowId || r.attempt.workflow_id === query.workflowId));
    const page = matching.slice(0, query.limit).map((r) => r.attempt);
    return { attempts: page, next_cursor: page.length === query.limit ? (page.at(-1)?.cursor ?? now) : now };
  }
}

class RecordingSink implements LiveTailSink {
  frames: string[] = [];
  ended = false;
  write(frame: string): void {
    this.frames.push(frame);
  }
  end(): void {
    this.ended = true;
  }
  /** The ids of the attempts sent, in order. */
  get ids(): string[] {
    return this.frames.filter((f) => f.startsWith('id: ')).map((f) => f.slice(4, f.indexOf('\n')));
  }
}

const log = { warn: jest.fn() };
const settings = { ...DEFAULT_LIVE_TAIL, maxStreamsPerTenant: 2, pageSize: 2, maxPagesPerRead: 3 };

describe('LiveTailHub', () => {
  let feed: FakeFeed;
  let hub: LiveTailHub;

  beforeEach(() => {
    jest.useFakeTimers();
    feed = new FakeFeed();
    hub = new LiveTailHub(feed, settings, log);
  });

  afterEach(() => {
    hub.closeAll();
    jest.useRealTimers();
  });

  it('starts from now: sends what is written after the stream opened, each attempt once, in order', async () => {
    feed.add('ten_a', WF_A);
    const sink = new RecordingSink();
    hub.open('ten_a', undefined, undefined, sink);
    await jest.advanceTimersByTimeAsync(0);
    const [second, third, fourth] = [feed.add('ten_a', WF_A), feed.add('ten_a', WF_B), feed.add('ten_a', WF_A)];
    // Three attempts, pages of two: one tick reads on until a page is short.
    await jest.advanceTimersByTimeAsync(settings.pollMs);
    expect(sink.ids).toEqual([second.cursor, third.cursor, fourth.cursor]);
    await jest.advanceTimersByTimeAsync(settings.pollMs * 3);
    expect(sink.ids).toHaveLength(3);
  });

  it('reads the feed once a tick for all of a tenant’s streams, and stops once the last one closes', async () => {
    const [one, two] = [new RecordingSink(), new RecordingSink()];
    const closeOne = hub.open('ten_a', undefined, undefined, one);
    const closeTwo = hub.open('ten_a', undefined, undefined, two);
    await jest.advanceTimersByTimeAsync(0);
    const attempt = feed.add('ten_a', WF_A);
    const before = feed.reads.length;
    await jest.advanceTimersByTimeAsync(settings.pollMs);
    expect(feed.reads.length - before).toBe(1);
    expect([one.ids, two.ids]).toEqual([[attempt.cursor], [attempt.cursor]]);
    expect(hub.pollerCount).toBe(1);

    closeOne();
    closeTwo();
    expect([one.ended, two.ended]).toEqual([true, true]);
    expect(hub.pollerCount).toBe(0);
    const stopped = feed.reads.length;
    await jest.advanceTimersByTimeAsync(settings.pollMs * 5);
    expect(feed.reads.length).toBe(stopped);
  });

  it('keeps tenants and workflow filters apart', async () => {
    const [all, onlyB, other] = [new RecordingSink(), new RecordingSink(), new RecordingSink()];
    hub.open('ten_a', undefined, undefined, all);
    hub.open('ten_a', WF_B, undefined, onlyB);
    hub.open('ten_b', undefined, undefined, other);
    await jest.advanceTimersByTimeAsync(0);
    const [a, b] = [feed.add('ten_a', WF_A), feed.add('ten_a', WF_B)];
    await jest.advanceTimersByTimeAsync(settings.pollMs);
    expect(all.ids).toEqual([a.cursor, b.cursor]);
    expect(onlyB.ids).toEqual([b.cursor]);
    expect(other.ids).toEqual([]);
    expect(hub.pollerCount).toBe(3);
  });

  it('resumes after the last id the client saw, then goes on live, sending nothing twice', async () => {
    const live = new RecordingSink();
    hub.open('ten_a', undefined, undefined, live);
    await jest.advanceTimersByTimeAsync(0);
    const seen = feed.add('ten_a', WF_A);
    const missed = [feed.add('ten_a', WF_A), feed.add('ten_a', WF_A), feed.add('ten_a', WF_A)];
    // The poller has brought the missed ones too: the resumed stream must not repeat them.
    await jest.advanceTimersByTimeAsync(settings.pollMs);
    const resumed = new RecordingSink();
    hub.open('ten_a', undefined, seen.cursor, resumed);
    await jest.advanceTimersByTimeAsync(0);
    const later = feed.add('ten_a', WF_A);
    await jest.advanceTimersByTimeAsync(settings.pollMs);
    expect(resumed.ids).toEqual([...missed, later].map((a) => a.cursor));
  });

  it('says so when a resume reaches back further than it reads', async () => {
    const first = feed.add('ten_a', WF_A);
    for (let i = 0; i < 10; i++) feed.add('ten_a', WF_A);
    const sink = new RecordingSink();
    hub.open('ten_a', undefined, first.cursor, sink);
    await jest.advanceTimersByTimeAsync(0);
    expect(sink.ids).toHaveLength(settings.pageSize * settings.maxPagesPerRead);
    expect(sink.frames.some((f) => f.startsWith(': resumed too far back'))).toBe(true);
  });

  it('bounds the streams a tenant holds open, and frees a place when one closes', () => {
    const close = hub.open('ten_a', undefined, undefined, new RecordingSink());
    hub.open('ten_a', WF_A, undefined, new RecordingSink());
    expect(() => hub.open('ten_a', undefined, undefined, new RecordingSink())).toThrow(TooManyStreams);
    expect(() => hub.open('ten_b', undefined, undefined, new RecordingSink())).not.toThrow();
    close();
    close();
    expect(hub.openStreams('ten_a')).toBe(1);
    expect(() => hub.open('ten_a', undefined, undefined, new RecordingSink())).not.toThrow();
  });

  it('keeps an idle stream alive with a comment every 15 s', async () => {
    const sink = new RecordingSink();
    hub.open('ten_a', undefined, undefined, sink);
    await jest.advanceTimersByTimeAsync(14_999);
    expect(sink.frames).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(sink.frames).toEqual([': keep-alive\n\n']);
    await jest.advanceTimersByTimeAsync(15_000);
    expect(sink.frames).toHaveLength(2);
  });

  it('keeps streams open while the feed cannot be read, and reads on from the same place', async () => {
    const sink = new RecordingSink();
    hub.open('ten_a', undefined, undefined, sink);
    await jest.advanceTimersByTimeAsync(0);
    feed.failing = true;
    const attempt = feed.add('ten_a', WF_A);
    await jest.advanceTimersByTimeAsync(settings.pollMs * 2);
    expect(sink.ended).toBe(false);
    feed.failing = false;
    await jest.advanceTimersByTimeAsync(settings.pollMs);
    expect(sink.ids).toEqual([attempt.cursor]);
  });

  it('ends every stream on shutdown and opens none after', async () => {
    const sinks = [new RecordingSink(), new RecordingSink()];
    hub.open('ten_a', undefined, undefined, sinks[0]);
    hub.open('ten_b', WF_A, undefined, sinks[1]);
    hub.closeAll();
    expect(sinks.map((s) => s.ended)).toEqual([true, true]);
    expect(hub.pollerCount).toBe(0);
    expect(() => hub.open('ten_a', undefined, undefined, new RecordingSink())).toThrow(TooManyStreams);
  });

  it('ends a stream within a recheck once its key no longer authenticates, and frees its place', async () => {
    let authorized = true;
    const revoked = Object.assign(new RecordingSink(), { stillAuthorized: async () => authorized });
    const other = Object.assign(new RecordingSink(), { stillAuthorized: async () => true });
    hub.open('ten_a', undefined, undefined, revoked);
    hub.open('ten_a', undefined, undefined, other);
    await jest.advanceTimersByTimeAsync(settings.authRecheckMs * 3);
    expect(revoked.ended).toBe(false);
    authorized = false;
    await jest.advanceTimersByTimeAsync(settings.authRecheckMs);
    expect(revoked.ended).toBe(true);
    expect(revoked.frames.at(-1)).toContain('revoked');
    expect(other.ended).toBe(false);
    expect(hub.openStreams('ten_a')).toBe(1);
  });

  it('keeps a stream open while its key cannot be checked (an outage is not a revocation)', async () => {
    const sink = Object.assign(new RecordingSink(), { stillAuthorized: () => Promise.reject(new Error('database unavailable')) });
    hub.open('ten_a', undefined, undefined, sink);
    await jest.advanceTimersByTimeAsync(settings.authRecheckMs * 3);
    expect(sink.ended).toBe(false);
  });
});
