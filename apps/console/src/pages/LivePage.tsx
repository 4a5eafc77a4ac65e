import { useEffect, useState } from 'react';
import { ApiFailure, type Api } from '../api';
import type { WorkflowSummary } from '../api-types';
import { describeApiError } from '../lib/api-error';
import { formatDuration, formatRelative, formatTimestamp } from '../lib/format';
import { withQuery } from '../lib/paging';
import { routeHref } from '../lib/route';
import { parseLiveAttempt, SseDecoder, type LiveAttempt } from '../lib/sse';
import { attemptOutcome } from '../lib/status';
import { Badge, useLoad, useNow } from '../ui/common';

const KEEP = 200;
const RECONNECT_MS = 3000;

type Connection = { state: 'connecting' } | { state: 'live' } | { state: 'retrying'; reason: string } | { state: 'stopped'; reason: string };

/**
 * Reads GET /workflows/events/live with fetch (EventSource cannot send the
 * Authorization header), reconnecting after a drop from the last id seen.
 */
function useLiveAttempts(api: Api, workflowId: string | undefined): [LiveAttempt[], Connection] {
  const [attempts, setAttempts] = useState<LiveAttempt[]>([]);
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  useEffect(() => {
    const abort = new AbortController();
    let lastId: string | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      try {
        const res = await fetch(withQuery('/workflows/events/live', { workflow_id: workflowId }), {
          headers: { ...api.headers(), accept: 'text/event-stream', ...(lastId ? { 'last-event-id': lastId } : {}) },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) {
          let body: unknown;
          try {
            body = await res.json();
          } catch {
            body = undefined;
          }
          throw new ApiFailure(res.status, describeApiError(res.status, body));
        }
        setConnection({ state: 'live' });
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        const decoder = new SseDecoder();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const fresh: LiveAttempt[] = [];
          for (const frame of decoder.push(value)) {
            if (frame.id !== undefined) lastId = frame.id;
            const attempt = parseLiveAttempt(frame);
            if (attempt) fresh.push(attempt);
          }
          if (fresh.length) setAttempts((old) => [...fresh.reverse(), ...old].slice(0, KEEP));
        }
        throw new Error('The stream ended.');
      } catch (err) {
        if (abort.signal.aborted) return;
        const status = err instanceof ApiFailure ? err.status : 0;
        const reason = err instanceof Error ? err.message : 'The stream failed.';
        // A refused key or a missing route will not heal by retrying.
        if (status === 401 || status === 403 || status === 404) return setConnection({ state: 'stopped', reason });
        setConnection({ state: 'retrying', reason });
        timer = setTimeout(() => void connect(), RECONNECT_MS);
      }
    };
    void connect();
    return () => {
      abort.abort();
      if (timer) clearTimeout(timer);
    };
  }, [api, workflowId]);
  return [attempts, connection];
}

export function LivePage({ api, workflowId }: { api: Api; workflowId?: string }) {
  const [attempts, connection] = useLiveAttempts(api, workflowId);
  const [workflows] = useLoad(() => api.get<{ data: WorkflowSummary[] }>('/workflows?limit=100'), [api]);
  const now = useNow();
  const names = new Map(workflows.state === 'ready' ? workflows.data.data.map((w) => [w.id, w.name]) : []);

  return (
    <section>
      <div className="title">
        <h1>Live tail</h1>
        <span className={`badge ${connection.state === 'live' ? 'ok' : connection.state === 'connecting' ? 'wait' : 'fail'}`} role="status">
          {connection.state === 'live' ? 'live' : connection.state === 'connecting' ? 'connecting…' : connection.state === 'retrying' ? 'reconnecting…' : 'stopped'}
        </span>
      </div>
      <label htmlFor="live-filter">Workflow</label>
      <select id="live-filter" value={workflowId ?? ''} onChange={(e) => (window.location.hash = routeHref({ page: 'live', workflowId: e.target.value || undefined }))}>
        <option value="">All workflows</option>
        {workflows.state === 'ready' &&
          workflows.data.data.map((w) => (
            <option key={w.id} value={w.id}>
              {w.name}
            </option>
          ))}
        {workflowId && !names.has(workflowId) && <option value={workflowId}>{workflowId}</option>}
      </select>
      {(connection.state === 'retrying' || connection.state === 'stopped') && (
        <p className="error" role="alert">
          {connection.reason} {connection.state === 'retrying' ? 'Reconnecting…' : 'Reload the page to try again.'}
        </p>
      )}
      {attempts.length === 0 ? (
        <div className="empty">
          <p>Waiting for attempts{workflowId ? ' of this workflow' : ''}. They appear here as they happen.</p>
          <p>
            No traffic? Send a test event from a <a href={routeHref(workflowId ? { page: 'workflow', id: workflowId } : { page: 'workflows' })}>workflow’s page</a>.
          </p>
        </div>
      ) : (
        <ol className="list live" aria-live="polite" aria-label="Attempts, newest first">
          {attempts.map((a) => (
            <li key={`${a.event_id}-${a.action_id}-${a.attempt}-${a.timestamp}`} className="item">
              <time dateTime={a.timestamp}>{formatTimestamp(a.timestamp)}</time>
              <Badge outcome={attemptOutcome(a)} />
              <a href={routeHref({ page: 'event', id: a.event_id })} className="name">
                {a.event_type || a.event_id}
              </a>
              <span>{names.get(a.workflow_id) ?? a.workflow_id}</span>
              <span>attempt {a.attempt}</span>
              <span>{formatDuration(a.duration_ms)}</span>
              {a.next_attempt_at && !a.succeeded && <span className="tag">next {formatRelative(a.next_attempt_at, now)}</span>}
              {a.final && !a.succeeded && <span className="tag">gave up</span>}
              <code className="url">{a.url}</code>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
