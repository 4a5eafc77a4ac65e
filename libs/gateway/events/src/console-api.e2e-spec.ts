import { HttpReceiver, TestPlatform, waitFor } from '@hookstream/testing';

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

/** A live tail read as the console reads it: fetch with the Authorization header, frames parsed as they arrive. */
class LiveTailClient {
  readonly frames: SseFrame[] = [];
  private readonly abort = new AbortController();
  status = 0;
  body: unknown;
  /** Set once the server ended the stream (or close() aborted it). */
  ended = false;
  contentType = '';

  static async open(url: string, headers: Record<string, string>): Promise<LiveTailClient> {
    const client = new LiveTailClient();
    const res = await fetch(url, { headers, signal: client.abort.signal });
    client.status = res.status;
    client.contentType = res.headers.get('content-type') ?? '';
    if (res.status !== 200 || !res.body) {
      client.body = await res.json();
      return client;
    }
    void client.read(res.body);
    return client;
  }

  /** The attempts received, parsed, with their SSE ids. */
  get attempts(): { id: string; data: { event_id: string; workflow_id: string; attempt: number; timestamp: string; succeeded: boolean; status_code: number | null; url: string } }[] {
    return this.frames.filter((f) => f.event === 'attempt').map((f) => ({ id: f.id ?? '', data: JSON.parse(f.data ?? '{}') }));
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const frame: SseFrame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            (frame as Record<string, string>)[line.slice(0, colon)] = line.slice(colon + 2);
          }
          if (Object.keys(frame).length > 0) this.frames.push(frame);
        }
      }
    } catch {
      // Aborted by close().
    }
    this.ended = true;
  }
}

/**
 * What the console reads, through the public API of the whole platform:
 * recent events, the attempt timeline, endpoint health and the live tail.
 */
describe('console API end to end', () => {
  const receiver = new HttpReceiver();
  // Retries 1000 times faster; breakers that never open (health counts every attempt as sent); at most 3 live tails a tenant.
  const platform = new TestPlatform({
    label: 'console',
    env: { RETRY_TIME_SCALE: '0.001', BREAKER_VOLUME_THRESHOLD: '100000', LIVE_TAIL_MAX_STREAMS_PER_TENANT: '3' },
  });
  const streams: LiveTailClient[] = [];
  let otherKey: string;

  const createWorkflow = async (name: string, path: string, type: string, retryPolicy: unknown = 'checkout') => {
    const res = await platform.api('POST', '/workflows', {
      name,
      conditions: [{ type: 'event', events: { gateway: [type] } }],
      actions: [{ type: 'webhook', url: receiver.url(path), retry_policy: retryPolicy }],
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const publish = async (type: string, subjectId = 'pay_console000000000000000'): Promise<string> => {
    const res = await platform.api('POST', '/events', { source: 'gateway', type, subject_id: subjectId, data: { amount: 100 } });
    expect(res.status).toBe(202);
    return res.body.id as string;
  };

  const deliveredTo = (path: string, eventId: string) => receiver.on(path).some((r) => (JSON.parse(r.rawBody) as { id: string }).id === eventId);

  /** Publishes until the matcher knows the workflow and one event reached its path. */
  const warmUp = (type: string, path: string) =>
    waitFor(
      async () => {
        const id = await publish(type);
        return waitFor(() => deliveredTo(path, id), { timeoutMs: 3000 }).catch(() => undefined);
      },
      { timeoutMs: 90_000, what: `a first delivery to ${path}` },
    );

  const openStream = async (query = '', headers: Record<string, string> = {}) => {
    const stream = await LiveTailClient.open(`${platform.url('gateway')}/workflows/events/live${query}`, { authorization: `Bearer ${platform.apiKey}`, ...headers });
    streams.push(stream);
    return stream;
  };

  beforeAll(async () => {
    await receiver.start();
    await platform.start();
    const other = await platform.admin('POST', '/admin/tenants', { name: 'console other' });
    otherKey = other.body.api_key as string;
  }, 180_000);

  afterEach(async () => {
    for (const stream of streams.splice(0)) stream.close();
  });

  afterAll(async () => {
    await platform.stop();
    await receiver.stop();
  }, 60_000);

  it('lists recent events newest first, a page at a time, filtered by workflow, with their invocations counted', async () => {
    const workflowId = await createWorkflow('recent', '/recent', 'payment_captured');
    await warmUp('payment_captured', '/recent');
    const published: string[] = [];
    for (let i = 0; i < 3; i++) published.push(await publish('payment_captured'));
    await waitFor(() => published.every((id) => deliveredTo('/recent', id)), { what: 'the three deliveries' });

    // Not taken for a workflow id by GET /workflows/{id}.
    const first = await waitFor(async () => {
      const res = await platform.api('GET', `/workflows/events?workflow_id=${workflowId}&limit=2`);
      expect(res.status).toBe(200);
      const [a, b] = res.body.data as { id: string; invocations: { succeeded: number } }[];
      return a?.id === published[2] && b?.id === published[1] && a.invocations.succeeded === 1 && b.invocations.succeeded === 1 ? res.body : undefined;
    }, { what: 'the two newest events first, delivered' });
    expect(first.data[0]).toMatchObject({
      id: published[2],
      source: 'gateway',
      type: 'payment_captured',
      subject_id: 'pay_console000000000000000',
      invocations: { total: 1, succeeded: 1, failed: 0, pending: 0 },
      _links: { self: { href: `${platform.url('gateway')}/workflows/events/${published[2]}` } },
    });
    expect(first._links.self.href).toBe(`${platform.url('gateway')}/workflows/events?workflow_id=${workflowId}`);
    const next = new URL(first._links.next.href);
    expect(next.searchParams.get('workflow_id')).toBe(workflowId);
    const second = await platform.api('GET', next.pathname + next.search);
    expect(second.status).toBe(200);
    expect(second.body.data[0].id).toBe(published[0]);

    const unfiltered = await platform.api('GET', '/workflows/events');
    expect(unfiltered.status).toBe(200);
    expect(unfiltered.body.data.length).toBeLessThanOrEqual(20);
    expect(unfiltered.body.data[0].timestamp >= unfiltered.body.data.at(-1).timestamp).toBe(true);

    for (const [query, code] of [
      ['limit=0', 'limit_invalid'],
      ['limit=101', 'limit_invalid'],
      ['cursor=nonsense', 'cursor_invalid'],
      ['workflow_id=nope', 'workflow_id_invalid'],
      ['limit=1&limit=2', 'limit_invalid'],
    ]) {
      const res = await platform.api('GET', `/workflows/events?${query}`);
      expect({ query, status: res.status, codes: res.body.error_codes }).toEqual({ query, status: 422, codes: [code] });
    }
    // Another tenant sees none of these events.
    const theirs = await platform.api('GET', `/workflows/events?workflow_id=${workflowId}`, undefined, { authorization: `Bearer ${otherKey}` });
    expect(theirs.body.data).toEqual([]);
  }, 150_000);

  it('shows each attempt with its number, duration, response excerpt, and when the next one is due', async () => {
    await createWorkflow('timeline', '/timeline', 'payment_declined', [43_200_000]);
    receiver.script('/timeline', { status: 500, body: `busy ${'x'.repeat(3000)}` });
    await warmUp('payment_declined', '/timeline');
    const eventId = await publish('payment_declined');
    await waitFor(() => deliveredTo('/timeline', eventId), { what: 'the failed delivery' });
    const invocation = await waitFor(async () => {
      const event = await platform.api('GET', `/workflows/events/${eventId}`);
      const actionId = event.body.action_invocations?.[0]?.workflow_action_id;
      if (!actionId) return undefined;
      const res = await platform.api('GET', `/workflows/events/${eventId}/actions/${actionId}`);
      return res.body.action_invocations?.length === 1 ? res.body : undefined;
    }, { what: 'the attempt in the read model' });
    const [attempt] = invocation.action_invocations;
    expect(attempt).toMatchObject({ attempt: 1, succeeded: false, final: false, result_details: { status_code: 500 } });
    expect(attempt.duration_ms).toEqual(expect.any(Number));
    expect(attempt.response_excerpt).toMatch(/^busy x+$/);
    expect(Buffer.byteLength(attempt.response_excerpt)).toBeLessThanOrEqual(1024);
    // 12 h scaled by 0.001: due 43.2 s after the attempt.
    expect(Date.parse(invocation.next_attempt_at) - Date.parse(attempt.timestamp)).toBeGreaterThanOrEqual(40_000);
  }, 150_000);

  it("answers an endpoint's last hour with numbers that match the traffic", async () => {
    // Two answers of 200, then 500s; one retry each.
    receiver.script('/health', { status: 200 }, { status: 200 }, { status: 500 });
    const workflowId = await createWorkflow('health', '/health', 'payment_refunded', [1000]);
    await warmUp('payment_refunded', '/health');
    for (let i = 0; i < 3; i++) await publish('payment_refunded');
    const health = await waitFor(async () => {
      const res = await platform.api('GET', `/workflows/${workflowId}/health`);
      expect(res.status).toBe(200);
      const [action] = res.body.data;
      const requests = receiver.on('/health');
      const sent = requests.length;
      const events = new Set(requests.map((r) => (JSON.parse(r.rawBody) as { id: string }).id)).size;
      // Settled: the first two events succeeded, every later one failed and was retried once, and projection counted them all.
      const settled = events >= 4 && sent === 2 * events - 2 && action.attempts === sent;
      return settled ? { body: res.body, sent } : undefined;
    }, { timeoutMs: 30_000, what: 'health to count every attempt the receiver saw' });
    const [action] = health.body.data;
    const succeeded = Math.min(2, health.sent);
    expect(action).toMatchObject({
      url: receiver.url('/health'),
      disabled_at: null,
      disabled_reason: null,
      attempts: health.sent,
      succeeded,
      success_rate: succeeded / health.sent,
      breaker: { state: 'closed', as_of: expect.any(String) },
    });
    expect(action.latency_ms).toEqual({ p50: expect.any(Number), p95: expect.any(Number), p99: expect.any(Number) });
    expect(action.series).toHaveLength(12);
    expect(action.series.reduce((n: number, b: { attempts: number }) => n + b.attempts, 0)).toBe(health.sent);
    expect(Date.parse(action.window.to) - Date.parse(action.window.from)).toBe(3_600_000);

    expect((await platform.api('GET', `/workflows/${workflowId}/health`, undefined, { authorization: `Bearer ${otherKey}` })).status).toBe(404);
    expect((await platform.api('GET', '/workflows/wf_aaaaaaaaaaaaaaaaaaaaaaaaaa/health')).status).toBe(404);
    expect((await platform.api('GET', '/workflows/not-a-workflow/health')).status).toBe(404);
  }, 150_000);

  it('streams attempts made after it opened, by workflow, resumes after Last-Event-ID, and shows another tenant nothing', async () => {
    const liveA = await createWorkflow('live a', '/live-a', 'payment_voided');
    const liveB = await createWorkflow('live b', '/live-b', 'payment_expired');
    await warmUp('payment_voided', '/live-a');
    await warmUp('payment_expired', '/live-b');

    const openedAt = Date.now();
    const all = await openStream();
    expect(all.status).toBe(200);
    expect(all.contentType).toMatch(/^text\/event-stream/);
    const onlyB = await openStream(`?workflow_id=${liveB}`);
    const theirs = await openStream('', { authorization: `Bearer ${otherKey}` });
    // The pollers learn where "now" is on their first read.
    await new Promise((r) => setTimeout(r, 1500));

    const a1 = await publish('payment_voided');
    const b1 = await publish('payment_expired');
    await waitFor(() => all.attempts.some((x) => x.data.event_id === a1) && all.attempts.some((x) => x.data.event_id === b1), { what: 'both attempts on the live tail' });
    const seenA = all.attempts.find((x) => x.data.event_id === a1);
    expect(seenA?.data).toMatchObject({ workflow_id: liveA, attempt: 1, succeeded: true, status_code: 200, url: receiver.url('/live-a') });
    await waitFor(() => onlyB.attempts.some((x) => x.data.event_id === b1), { what: 'the filtered stream to get its workflow’s attempt' });
    expect(onlyB.attempts.every((x) => x.data.workflow_id === liveB)).toBe(true);
    // From now: nothing made well before the stream opened (the warm-ups' attempts) is sent.
    expect(all.attempts.filter((x) => Date.parse(x.data.timestamp) < openedAt - 2000)).toEqual([]);
    expect(theirs.attempts).toEqual([]);

    // Gone for a while: what happened meanwhile comes first on return.
    const lastSeen = all.attempts.at(-1)?.id ?? '';
    all.close();
    const a2 = await publish('payment_voided');
    await waitFor(async () => (await platform.api('GET', `/workflows/events/${a2}`)).body.action_invocations?.[0]?.status === 'successful', { what: 'the missed attempt in the read model' });
    const back = await openStream('', { 'last-event-id': lastSeen });
    await waitFor(() => back.attempts.some((x) => x.data.event_id === a2), { what: 'the missed attempt after resuming' });
    expect(back.attempts.some((x) => x.data.event_id === a1 || x.data.event_id === b1)).toBe(false);
    const byQuery = await openStream(`?cursor=${encodeURIComponent(lastSeen)}&workflow_id=${liveA}`);
    await waitFor(() => byQuery.attempts.some((x) => x.data.event_id === a2), { what: 'the missed attempt, resumed by the cursor parameter' });
    expect(theirs.attempts).toEqual([]);

    const bad = await LiveTailClient.open(`${platform.url('gateway')}/workflows/events/live`, { authorization: `Bearer ${platform.apiKey}`, 'last-event-id': 'forged' });
    expect({ status: bad.status, body: bad.body }).toMatchObject({ status: 422, body: { error_codes: ['cursor_invalid'] } });
    const badFilter = await LiveTailClient.open(`${platform.url('gateway')}/workflows/events/live?workflow_id=x`, { authorization: `Bearer ${platform.apiKey}` });
    expect(badFilter.status).toBe(422);
    const anonymous = await LiveTailClient.open(`${platform.url('gateway')}/workflows/events/live`, {});
    expect(anonymous.status).toBe(401);
  }, 200_000);

  it('holds a tenant to its number of open streams', async () => {
    // The gateway counts a stream closed once it sees its connection go: until then, try again.
    await waitFor(
      async () => {
        const opened = [await openStream(), await openStream(), await openStream()];
        if (opened.every((s) => s.status === 200)) return true;
        for (const stream of streams.splice(0)) stream.close();
        return undefined;
      },
      { what: 'three streams open at once' },
    );
    const over = await openStream();
    expect({ status: over.status, body: over.body }).toMatchObject({ status: 429, body: { error_type: 'too_many_requests', error_codes: ['too_many_streams'] } });
    // Another tenant's streams are counted apart.
    expect((await openStream('', { authorization: `Bearer ${otherKey}` })).status).toBe(200);

    // SIGTERM does not wait on open streams: the gateway ends them and exits (past 15 s the test platform would SIGKILL it).
    const stopping = Date.now();
    await platform.service('gateway').stop();
    expect(Date.now() - stopping).toBeLessThan(10_000);
    await waitFor(() => streams.every((s) => s.status !== 200 || s.ended), { what: 'every stream ended by the gateway' });
  }, 60_000);
});
