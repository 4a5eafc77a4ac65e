import { type FormEvent, useState } from 'react';
import type { Api } from '../api';
import type { EventPage as EventList, RecentEvent } from '../api-types';
import { formatTimestamp } from '../lib/format';
import { nextCursor, withQuery } from '../lib/paging';
import { routeHref } from '../lib/route';
import { Empty, ErrorNote, Loading, useAction, useLoad } from '../ui/common';

const LIMIT = 20;

/** Recent events (or one subject's, or one workflow's), newest first; an event id opens that event. */
export function EventsPage({ api, query, workflowId }: { api: Api; query?: string; workflowId?: string }) {
  const [text, setText] = useState(query ?? '');
  const subject = query && !query.startsWith('evt_') ? query : undefined;
  const listPath = (cursor?: string) =>
    subject ? withQuery(`/workflows/events/subject/${encodeURIComponent(subject)}`, { limit: LIMIT, cursor }) : withQuery('/workflows/events', { limit: LIMIT, cursor, workflow_id: workflowId });
  const [extra, setExtra] = useState<RecentEvent[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [first, reload] = useLoad(async () => {
    if (query?.startsWith('evt_')) {
      window.location.hash = routeHref({ page: 'event', id: query });
      return [];
    }
    const page = await api.get<EventList>(listPath());
    setExtra([]);
    setCursor(nextCursor(page._links));
    return page.data;
  }, [api, query, workflowId]);
  const more = useAction();

  const search = (e: FormEvent) => {
    e.preventDefault();
    const q = text.trim();
    window.location.hash = routeHref(q.startsWith('evt_') ? { page: 'event', id: q } : { page: 'events', query: q || undefined, workflowId: q ? undefined : workflowId });
  };

  return (
    <section>
      <h1>Events</h1>
      <form className="search" onSubmit={search} role="search">
        <label htmlFor="event-search">Event id or subject id</label>
        <div className="row">
          <input id="event-search" placeholder="evt_… or pay_…" value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit" className="primary">
            Search
          </button>
        </div>
      </form>
      <p className="note">
        {subject ? (
          <>
            Events of subject <code>{subject}</code>, newest first. <a href={routeHref({ page: 'events' })}>All recent events</a>
          </>
        ) : workflowId ? (
          <>
            Recent events that invoked workflow <a href={routeHref({ page: 'workflow', id: workflowId })}>{workflowId}</a>, newest first.{' '}
            <a href={routeHref({ page: 'events' })}>All recent events</a>
          </>
        ) : (
          'Recent events, newest first.'
        )}
      </p>
      {first.state === 'loading' && <Loading what="events" />}
      {first.state === 'error' && (
        <ErrorNote
          message={first.status === 404 && subject ? `No events for subject ${subject}: check the id (subject ids look like pay_…).` : first.message}
          onRetry={reload}
        />
      )}
      {first.state === 'ready' &&
        (first.data.length === 0 ? (
          <Empty>
            <p>No events yet. Publish one (POST /events) or send a test event from a workflow’s page.</p>
            <a className="button" href={routeHref({ page: 'workflows' })}>
              Go to workflows
            </a>
          </Empty>
        ) : (
          <>
            <ul className="list events">
              {[...first.data, ...extra].map((e) => (
                <li key={e.id} className="item">
                  <time dateTime={e.timestamp}>{formatTimestamp(e.timestamp)}</time>
                  <a href={routeHref({ page: 'event', id: e.id })} className="name">
                    {e.type}
                  </a>
                  {e.subject_id && <code className="id">{e.subject_id}</code>}
                  <code className="id">{e.id}</code>
                  {e.invocations && (
                    <span className="counts" aria-label="Invocations">
                      {e.invocations.succeeded > 0 && <span className="badge ok">{e.invocations.succeeded} delivered</span>}
                      {e.invocations.failed > 0 && <span className="badge fail">{e.invocations.failed} failed</span>}
                      {e.invocations.pending > 0 && <span className="badge wait">{e.invocations.pending} pending</span>}
                      {e.invocations.total === 0 && <span className="badge">no workflow</span>}
                    </span>
                  )}
                </li>
              ))}
            </ul>
            {cursor && (
              <button
                type="button"
                disabled={more.busy}
                onClick={() =>
                  void more.run(async () => {
                    const page = await api.get<EventList>(listPath(cursor));
                    setExtra((x) => [...x, ...page.data]);
                    setCursor(nextCursor(page._links));
                  })
                }
              >
                {more.busy ? 'Loading…' : 'Older events'}
              </button>
            )}
            {more.error && <p className="error">{more.error}</p>}
          </>
        ))}
    </section>
  );
}
