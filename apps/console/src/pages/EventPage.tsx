import { useEffect, useState } from 'react';
import type { Api } from '../api';
import type { AttemptView, EventView, InvocationView } from '../api-types';
import { formatDuration, formatTimestamp } from '../lib/format';
import { describeMasked } from '../lib/mask';
import { routeHref } from '../lib/route';
import { attemptOutcome, invocationState } from '../lib/status';
import { Badge, Loaded, useAction, useLoad, useNow } from '../ui/common';

const REFRESH_MS = 2000;

/** One event: its data, and per action it invoked, the attempts so far and what is due next. */
export function EventPage({ api, id }: { api: Api; id: string }) {
  const [view, reload] = useLoad(async () => {
    const event = await api.get<EventView>(`/workflows/events/${id}`);
    const invocations = await Promise.all(
      event.action_invocations.map((i) => api.get<InvocationView>(`/workflows/events/${id}/actions/${i.workflow_action_id}`)),
    );
    return { event, invocations };
  }, [api, id]);
  const [watchUntil, setWatchUntil] = useState(0);
  const now = useNow();
  const unsettled = view.state === 'ready' && (view.data.invocations.some((i) => i.status === 'pending') || view.data.event.action_invocations.length === 0);
  const watching = unsettled || now < watchUntil;
  // While something is due (or a reflow was just asked for), the page follows it.
  useEffect(() => {
    if (!watching) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [watching, reload]);
  const reflow = useAction();
  const [reflowed, setReflowed] = useState<string>();
  const ask = (path: string, what: string) =>
    reflow.run(async () => {
      await api.call('POST', path);
      setReflowed(what);
      setWatchUntil(Date.now() + 30_000);
      reload();
    });

  return (
    <section>
      <p className="crumbs">
        <a href={routeHref({ page: 'events' })}>Events</a> /
      </p>
      <Loaded load={view} what="the event" retry={reload}>
        {({ event, invocations }) => (
          <>
            <div className="title">
              <h1>{event.type}</h1>
              <span className="note">{watching ? 'following…' : ''}</span>
            </div>
            <dl className="facts">
              <dt>Event</dt>
              <dd>
                <code>{event.id}</code>
              </dd>
              <dt>Source</dt>
              <dd>{event.source}</dd>
              <dt>Time</dt>
              <dd>
                <time dateTime={event.timestamp}>{formatTimestamp(event.timestamp)}</time>
              </dd>
            </dl>
            <div className="toolbar">
              <button type="button" className="primary" onClick={() => void ask(`/workflows/events/${event.id}/reflow`, 'every matching workflow')} disabled={reflow.busy}>
                Reflow through every workflow
              </button>
              <button type="button" onClick={reload}>
                Refresh
              </button>
            </div>
            {reflowed && (
              <p className="ok" role="status">
                Reflow through {reflowed} accepted: new attempts appear below.
              </p>
            )}
            {reflow.error && (
              <p className="error" role="alert">
                {reflow.error}
              </p>
            )}
            <h2>Invocations</h2>
            {invocations.length === 0 && <p className="empty">No workflow has picked this event up (yet). If none matches its type, create one, then reflow it.</p>}
            {invocations.map((inv) => (
              <Invocation key={inv.workflow_action_id} invocation={inv} now={now} onReflow={() => void ask(`/workflows/events/${event.id}/workflow/${inv.workflow_id}/reflow`, `workflow ${inv.workflow_id}`)} busy={reflow.busy} />
            ))}
            <details>
              <summary>Event data</summary>
              <pre className="json">{JSON.stringify(event.data, null, 2)}</pre>
            </details>
          </>
        )}
      </Loaded>
    </section>
  );
}

function Invocation({ invocation, now, onReflow, busy }: { invocation: InvocationView; now: number; onReflow: () => void; busy: boolean }) {
  const attempts = invocation.action_invocations;
  const state = invocationState({ status: invocation.status, attempts: attempts.length, next_attempt_at: invocation.next_attempt_at }, now);
  return (
    <article className="card invocation" aria-label={`Invocation of ${invocation.workflow_action_id}`}>
      <div className="title">
        <h3>
          <a href={routeHref({ page: 'workflow', id: invocation.workflow_id })}>{invocation.workflow_id}</a> · <code>{invocation.workflow_action_id}</code>
        </h3>
        <Badge outcome={state} />
      </div>
      <p className="next">{state.detail}</p>
      <ol className="timeline">
        {attempts.map((a, i) => (
          <Attempt key={`${a.timestamp}-${i}`} attempt={a} n={a.attempt ?? i + 1} />
        ))}
      </ol>
      <button type="button" onClick={onReflow} disabled={busy}>
        Reflow through this workflow
      </button>
    </article>
  );
}

function Attempt({ attempt, n }: { attempt: AttemptView; n: number }) {
  const d = attempt.result_details;
  const outcome = attemptOutcome({ succeeded: attempt.succeeded, status_code: d.status_code, error: d.error });
  const headers = Object.entries(d.headers ?? {});
  const excerpt = d.response_excerpt ?? attempt.response_excerpt;
  return (
    <li className={`attempt ${outcome.tone}`}>
      <div className="attempt-head">
        <span className="n">#{n}</span>
        <time dateTime={attempt.timestamp}>{formatTimestamp(attempt.timestamp)}</time>
        <Badge outcome={outcome} />
        <span>{formatDuration(d.duration_ms ?? attempt.duration_ms)}</span>
        {attempt.retry && <span className="tag">retry</span>}
        {attempt.final && <span className="tag">final</span>}
      </div>
      <code className="url">{d.url}</code>
      {d.error_message && <p className="hint">{d.error_message}</p>}
      {excerpt && (
        <details>
          <summary>Response</summary>
          <pre className="json">{excerpt}</pre>
        </details>
      )}
      {headers.length > 0 && (
        <details>
          <summary>Request headers ({headers.length})</summary>
          <dl className="headers">
            {headers.map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{/^(authorization|cko-signature|webhook-signature|x-api-key)$/i.test(name) ? describeMasked(value) : value}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </li>
  );
}
