import { type FormEvent, useState } from 'react';
import type { Api } from '../api';
import type { PageLinks, WorkflowSummary } from '../api-types';
import { nextCursor, withQuery } from '../lib/paging';
import { routeHref } from '../lib/route';
import { actionBody, emptyActionForm, eventsBySource, idList, type ActionForm } from '../lib/workflow-form';
import { ActionFields, EventTypePicker, Problems } from '../ui/forms';
import { Empty, Loaded, useAction, useLoad } from '../ui/common';

const PAGE = 50;

export function WorkflowsPage({ api }: { api: Api }) {
  const [pages, setPages] = useState<WorkflowSummary[][]>([]);
  const [cursor, setCursor] = useState<string>();
  const [first, reload] = useLoad(async () => {
    const page = await api.get<{ data: WorkflowSummary[]; _links?: PageLinks }>(withQuery('/workflows', { limit: PAGE }));
    setPages([]);
    setCursor(nextCursor(page._links));
    return page.data;
  }, [api]);
  const more = useAction();
  const loadMore = () =>
    more.run(async () => {
      const page = await api.get<{ data: WorkflowSummary[]; _links?: PageLinks }>(withQuery('/workflows', { limit: PAGE, cursor }));
      setPages((p) => [...p, page.data]);
      setCursor(nextCursor(page._links));
    });

  return (
    <section>
      <div className="title">
        <h1>Workflows</h1>
        <a className="button primary" href={routeHref({ page: 'workflow-new' })}>
          New workflow
        </a>
      </div>
      <Loaded load={first} what="workflows" retry={reload}>
        {(data) => {
          const all = [...data, ...pages.flat()];
          if (all.length === 0)
            return (
              <Empty>
                <p>No workflows yet. A workflow says which events go to which URL.</p>
                <a className="button primary" href={routeHref({ page: 'workflow-new' })}>
                  Create your first workflow
                </a>
              </Empty>
            );
          return (
            <>
              <ul className="list">
                {all.map((w) => (
                  <li key={w.id} className="item">
                    <a href={routeHref({ page: 'workflow', id: w.id })} className="name">
                      {w.name}
                    </a>
                    <span className={`badge ${w.active ? 'ok' : 'wait'}`}>{w.active ? 'active' : 'inactive'}</span>
                    <code className="id">{w.id}</code>
                    <span className="links">
                      <a href={routeHref({ page: 'events', workflowId: w.id })}>Events</a>
                      <a href={routeHref({ page: 'health', id: w.id })}>Health</a>
                      <a href={routeHref({ page: 'live', workflowId: w.id })}>Live</a>
                    </span>
                  </li>
                ))}
              </ul>
              {cursor && (
                <button type="button" onClick={loadMore} disabled={more.busy}>
                  {more.busy ? 'Loading…' : 'More workflows'}
                </button>
              )}
              {more.error && <p className="error">{more.error}</p>}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

export function WorkflowNew({ api }: { api: Api }) {
  const [name, setName] = useState('');
  const [events, setEvents] = useState<[string, string][]>([]);
  const [entities, setEntities] = useState('');
  const [channels, setChannels] = useState('');
  const [action, setAction] = useState<ActionForm>(emptyActionForm);
  const [problems, setProblems] = useState<string[]>([]);
  const save = useAction();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const found: string[] = [];
    if (!name.trim()) found.push('Give the workflow a name.');
    if (events.length === 0) found.push('Pick at least one event type.');
    const built = actionBody(action);
    if ('errors' in built) found.push(...built.errors);
    setProblems(found);
    if (found.length || 'errors' in built) return;
    const conditions = [
      { type: 'event', events: eventsBySource(events) },
      ...(idList(entities).length ? [{ type: 'entity', entities: idList(entities) }] : []),
      ...(idList(channels).length ? [{ type: 'processing_channel', processing_channels: idList(channels) }] : []),
    ];
    void save.run(async () => {
      const created = await api.call<{ id: string }>('POST', '/workflows', { name: name.trim(), conditions, actions: [built.body] });
      window.location.hash = routeHref({ page: 'workflow', id: created.id });
    });
  };

  return (
    <section>
      <h1>New workflow</h1>
      <form onSubmit={submit} noValidate>
        <label htmlFor="wf-name">Name</label>
        <input id="wf-name" value={name} maxLength={255} onChange={(e) => setName(e.target.value)} />
        <EventTypePicker api={api} selected={events} onChange={setEvents} />
        <fieldset>
          <legend>Narrow it (optional)</legend>
          <label htmlFor="wf-entities">Entities</label>
          <input id="wf-entities" placeholder="ent_… ent_…" value={entities} onChange={(e) => setEntities(e.target.value)} />
          <label htmlFor="wf-channels">Processing channels</label>
          <input id="wf-channels" placeholder="pc_… pc_…" value={channels} onChange={(e) => setChannels(e.target.value)} />
        </fieldset>
        <ActionFields form={action} onChange={setAction} idPrefix="new" />
        <Problems problems={save.error ? [...problems, save.error] : problems} />
        <button type="submit" className="primary" disabled={save.busy}>
          {save.busy ? 'Creating…' : 'Create workflow'}
        </button>
      </form>
    </section>
  );
}
