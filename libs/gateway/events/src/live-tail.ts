import { type AttemptFeedPage, type AttemptFeedPosition, compareAttemptFeedPositions, decodeAttemptFeedCursor, type FedAttempt } from '@hookstream/contracts';
import { attemptFrame, commentFrame, KEEP_ALIVE_FRAME } from './live-tail-frames';

/** Where attempts come from: projection's feed (see ProjectionApi.attempts). */
export interface AttemptFeed {
  read(tenantId: string, query: { after?: string; limit: number; workflowId?: string }): Promise<AttemptFeedPage>;
}

/** One open stream's connection: frames out, and the end. */
export interface LiveTailSink {
  write(frame: string): void;
  end(): void;
  /** Whether the key the stream was opened with still authenticates its tenant: a revoked or expired key ends the stream. */
  stillAuthorized?(): Promise<boolean>;
}

export interface LiveTailSettings {
  /** Open streams one tenant may hold in one gateway process (LIVE_TAIL_MAX_STREAMS_PER_TENANT). */
  maxStreamsPerTenant: number;
  /** How often a tenant's poller reads the feed. */
  pollMs: number;
  /** How often an idle stream gets a keep-alive comment. */
  keepAliveMs: number;
  /** Attempts per feed read. */
  pageSize: number;
  /** Reads one poll, or one resume, makes at most: a tenant far behind skips ahead rather than hold the poller. */
  maxPagesPerRead: number;
  /** How often each stream's key is checked again, so a revoked key stops streaming as soon as it stops answering requests. */
  authRecheckMs: number;
}

export const DEFAULT_LIVE_TAIL: Omit<LiveTailSettings, 'maxStreamsPerTenant'> = { pollMs: 1000, keepAliveMs: 15_000, pageSize: 100, maxPagesPerRead: 10, authRecheckMs: 1000 };

/** The tenant holds as many open streams as it may. */
export class TooManyStreams extends Error {
  override readonly name = 'TooManyStreams';
}

export interface LiveTailLog {
  warn(fields: object, message: string): void;
}

const positionOf = (attempt: FedAttempt): AttemptFeedPosition | undefined => decodeAttemptFeedCursor(attempt.cursor);

/**
 * One open stream. Until its resume has caught up, attempts from the shared
 * poller wait; after, each attempt is sent once, in feed order, whichever
 * read brought it (the resume and the poller may overlap).
 */
class LiveStream {
  private sent: AttemptFeedPosition | undefined;
  private waiting: FedAttempt[] | undefined;
  private readonly keepAlive: ReturnType<typeof setInterval>;
  private authRecheck: ReturnType<typeof setInterval> | undefined;
  closed = false;

  constructor(
    readonly tenantId: string,
    readonly key: string,
    private readonly sink: LiveTailSink,
    resuming: boolean,
    keepAliveMs: number,
  ) {
    this.waiting = resuming ? [] : undefined;
    this.keepAlive = setInterval(() => this.write(KEEP_ALIVE_FRAME), keepAliveMs);
  }

  deliver(attempts: readonly FedAttempt[]): void {
    if (this.waiting) this.waiting.push(...attempts);
    else this.send(attempts);
  }

  /** The resume's attempts, then those the poller brought meanwhile. */
  caughtUp(attempts: readonly FedAttempt[]): void {
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    this.send(attempts);
    this.send(waiting);
  }

  note(text: string): void {
    this.write(commentFrame(text));
  }

  /** Checks the sink's key every `everyMs`; `revoked` once it no longer authenticates. An unanswered check keeps the stream (an outage is not a revocation). */
  watchAuthorization(everyMs: number, revoked: () => void, log: LiveTailLog): void {
    const check = this.sink.stillAuthorized?.bind(this.sink);
    if (!check) return;
    let checking = false;
    this.authRecheck = setInterval(() => {
      if (checking || this.closed) return;
      checking = true;
      check()
        .then((ok) => {
          if (!ok && !this.closed) revoked();
        })
        .catch((err: unknown) => log.warn({ err, tenantId: this.tenantId }, 'live tail: could not check a stream\'s key again'))
        .finally(() => (checking = false));
    }, everyMs);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    clearInterval(this.authRecheck);
    this.sink.end();
  }

  private send(attempts: readonly FedAttempt[]): void {
    for (const attempt of attempts) {
      const position = positionOf(attempt);
      if (!position || (this.sent && compareAttemptFeedPositions(position, this.sent) <= 0)) continue;
      this.sent = position;
      this.write(attemptFrame(attempt));
    }
  }

  private write(frame: string): void {
    if (!this.closed) this.sink.write(frame);
  }
}

/** One tenant's (and filter's) reads of the feed, shared by all its open streams in this process. */
class FeedPoller {
  readonly streams = new Set<LiveStream>();
  private cursor: string | undefined;
  private reading = false;
  private stopped = false;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly feed: AttemptFeed,
    private readonly tenantId: string,
    private readonly workflowId: string | undefined,
    private readonly settings: LiveTailSettings,
    private readonly log: LiveTailLog,
  ) {
    this.timer = setInterval(() => void this.poll(), settings.pollMs);
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    // A slow read is not stacked on: the next tick after it ends reads on.
    if (this.reading || this.stopped) return;
    this.reading = true;
    try {
      for (let page = 0; page < this.settings.maxPagesPerRead; page++) {
        const read = await this.feed.read(this.tenantId, { after: this.cursor, limit: this.settings.pageSize, workflowId: this.workflowId });
        if (this.stopped) return;
        // The first read has no cursor: it only learns where "now" is.
        if (this.cursor !== undefined) for (const stream of this.streams) stream.deliver(read.attempts);
        this.cursor = read.next_cursor;
        if (read.attempts.length < this.settings.pageSize) break;
      }
    } catch (err) {
      // Streams stay open: the next tick reads from the same cursor.
      this.log.warn({ err, tenantId: this.tenantId }, 'live tail: the attempt feed could not be read');
    } finally {
      this.reading = false;
    }
  }
}

/**
 * The live tail of a gateway process: each open stream is fed by one poller
 * per tenant and filter, which reads projection's feed about once a second
 * while any of its streams is open, so a hundred browser tabs cost the
 * projection what one does. Streams per tenant are bounded; all of them end
 * on shutdown.
 */
export class LiveTailHub {
  private readonly pollers = new Map<string, FeedPoller>();
  private readonly streamsPerTenant = new Map<string, number>();
  private closing = false;

  constructor(
    private readonly feed: AttemptFeed,
    private readonly settings: LiveTailSettings,
    private readonly log: LiveTailLog,
  ) {}

  /**
   * Opens a stream: from now, or after `resumeAfter` (a cursor already
   * checked). Throws TooManyStreams past the tenant's bound. The returned
   * function closes it (the client went away).
   */
  open(tenantId: string, workflowId: string | undefined, resumeAfter: string | undefined, sink: LiveTailSink): () => void {
    if (this.closing) throw new TooManyStreams('the gateway is shutting down');
    const open = this.streamsPerTenant.get(tenantId) ?? 0;
    if (open >= this.settings.maxStreamsPerTenant) throw new TooManyStreams(`${open} streams open`);
    this.streamsPerTenant.set(tenantId, open + 1);
    const key = `${tenantId}\u0000${workflowId ?? ''}`;
    const stream = new LiveStream(tenantId, key, sink, resumeAfter !== undefined, this.settings.keepAliveMs);
    let poller = this.pollers.get(key);
    if (!poller) {
      poller = new FeedPoller(this.feed, tenantId, workflowId, this.settings, this.log);
      this.pollers.set(key, poller);
    }
    poller.streams.add(stream);
    stream.watchAuthorization(
      this.settings.authRecheckMs,
      () => {
        stream.note('the API key was revoked or has expired');
        this.close(stream);
      },
      this.log,
    );
    if (resumeAfter !== undefined) void this.resume(stream, workflowId, resumeAfter);
    return () => this.close(stream);
  }

  /** Open streams of a tenant in this process. */
  openStreams(tenantId: string): number {
    return this.streamsPerTenant.get(tenantId) ?? 0;
  }

  /** Pollers running: one per tenant and filter with an open stream. */
  get pollerCount(): number {
    return this.pollers.size;
  }

  /** Shutdown: every stream ends, every poller stops, and no stream opens after. */
  closeAll(): void {
    this.closing = true;
    for (const poller of this.pollers.values()) for (const stream of [...poller.streams]) this.close(stream);
  }

  private close(stream: LiveStream): void {
    if (stream.closed) return;
    stream.close();
    const left = (this.streamsPerTenant.get(stream.tenantId) ?? 1) - 1;
    if (left > 0) this.streamsPerTenant.set(stream.tenantId, left);
    else this.streamsPerTenant.delete(stream.tenantId);
    const poller = this.pollers.get(stream.key);
    if (!poller) return;
    poller.streams.delete(stream);
    if (poller.streams.size === 0) {
      poller.stop();
      this.pollers.delete(stream.key);
    }
  }

  /** The attempts after the client's last one, read on its own, then the shared poller's. */
  private async resume(stream: LiveStream, workflowId: string | undefined, after: string): Promise<void> {
    const caughtUp: FedAttempt[] = [];
    let cursor = after;
    try {
      for (let page = 0; ; page++) {
        if (page === this.settings.maxPagesPerRead) {
          stream.note('resumed too far back: some attempts between these and the live ones are skipped');
          break;
        }
        const read = await this.feed.read(stream.tenantId, { after: cursor, limit: this.settings.pageSize, workflowId });
        caughtUp.push(...read.attempts);
        cursor = read.next_cursor;
        if (read.attempts.length < this.settings.pageSize) break;
      }
    } catch (err) {
      this.log.warn({ err, tenantId: stream.tenantId }, 'live tail: could not resume a stream');
      stream.note('could not resume; reconnect to try again');
      this.close(stream);
      return;
    }
    if (!stream.closed) stream.caughtUp(caughtUp);
  }
}
