import { type FormEvent, useState } from 'react';
import type { ConditionInput } from '@hookstream/contracts';
import type { Api } from '../api';
import type { ActionSecret, ActionView, ConditionView, WorkflowView } from '../api-types';
import { formatDuration, formatTimestamp } from '../lib/format';
import { describeMasked } from '../lib/mask';
import { describeRetryPolicy } from '../lib/retry-policy';
import { routeHref } from '../lib/route';
import { actionBody, emptyActionForm, eventsBySource, idList, type ActionForm } from '../lib/workflow-form';
import { ConfirmButton, Loaded, SecretText, useAction, useLoad } from '../ui/common';
import { ActionFields, EventTypePicker, Problems } from '../ui/forms';

export function WorkflowPage({ api, id }: { api: Api; id: string }) {
  const [workflow, reload] = useLoad(() => api.get<WorkflowView>(`/workflows/${id}`), [api, id]);
  return (
    <Loaded load={workflow} what="the workflow" retry={reload}>
      {(wf) => <Workflow api={api} wf={wf} reload={reload} />}
    </Loaded>
  );
}

function Workflow({ api, wf, reload }: { api: Api; wf: WorkflowView; reload: () => void }) {
  const change = useAction();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(wf.name);
  const [adding, setAdding] = useState(false);
  const path = `/workflows/${wf.id}`;
  const act = (method: string, p: string, body?: unknown) => change.run(async () => (await api.call(method, p, body), reload()));

  const rename = (e: FormEvent) => {
    e.preventDefault();
    void change.run(async () => {
      await api.call('PATCH', path, { name: name.trim() });
      setRenaming(false);
      reload();
    });
  };

  return (
    <section>
      <p className="crumbs">
        <a href={routeHref({ page: 'workflows' })}>Workflows</a> /
      </p>
      <div className="title">
        {renaming ? (
          <form onSubmit={rename} className="inline">
            <label htmlFor="rename">Name</label>
            <input id="rename" value={name} maxLength={255} onChange={(e) => setName(e.target.value)} />
            <button type="submit" className="primary" disabled={change.busy}>
              Save
            </button>
            <button type="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
          </form>
        ) : (
          <h1>{wf.name}</h1>
        )}
        <span className={`badge ${wf.active ? 'ok' : 'wait'}`}>{wf.active ? 'active' : 'inactive'}</span>
      </div>
      <p>
        <code className="id">{wf.id}</code>
      </p>
      <div className="toolbar">
        <button type="button" onClick={() => void act('PATCH', path, { active: !wf.active })} disabled={change.busy}>
          {wf.active ? 'Deactivate' : 'Activate'}
        </button>
        {!renaming && (
          <button type="button" onClick={() => setRenaming(true)}>
            Rename
          </button>
        )}
        <a className="button" href={routeHref({ page: 'events', workflowId: wf.id })}>
          Events
        </a>
        <a className="button" href={routeHref({ page: 'health', id: wf.id })}>
          Endpoint health
        </a>
        <a className="button" href={routeHref({ page: 'live', workflowId: wf.id })}>
          Live tail
        </a>
        <ConfirmButton
          label="Delete"
          confirm="Delete this workflow? Its deliveries stop."
          onConfirm={() =>
            void change.run(async () => {
              await api.call('DELETE', path);
              window.location.hash = routeHref({ page: 'workflows' });
            })
          }
        />
      </div>
      {change.error && (
        <p className="error" role="alert">
          {change.error}
        </p>
      )}

      <TestEvent api={api} wf={wf} />

      <h2>Conditions</h2>
      <ul className="cards">
        {wf.conditions.map((c) => (
          <Condition key={c.id} api={api} workflowId={wf.id} condition={c} reload={reload} canRemove={wf.conditions.length > 1} />
        ))}
      </ul>

      <h2>Actions</h2>
      <ul className="cards">
        {wf.actions.map((a) => (
          <Action key={a.id} api={api} workflowId={wf.id} action={a} reload={reload} canRemove={wf.actions.length > 1} />
        ))}
      </ul>
      {adding ? (
        <ActionEditor
          api={api}
          title="New action"
          idPrefix="add"
          initial={emptyActionForm()}
          save={async (body) => {
            await api.call('POST', `${path}/actions`, body);
            setAdding(false);
            reload();
          }}
          cancel={() => setAdding(false)}
        />
      ) : (
        <button type="button" onClick={() => setAdding(true)}>
          Add action
        </button>
      )}
    </section>
  );
}

function TestEvent({ api, wf }: { api: Api; wf: WorkflowView }) {
  const types = [...new Set(wf.conditions.flatMap((c) => (c.type === 'event' ? Object.values(c.events).flat() : [])))];
  const [chosen, setChosen] = useState<string[]>(types.slice(0, 1));
  const [sent, setSent] = useState(false);
  const send = useAction();
  if (types.length === 0) return null;
  return (
    <form
      className="panel"
      onSubmit={(e) => {
        e.preventDefault();
        setSent(false);
        void send.run(async () => {
          await api.call('POST', `/workflows/${wf.id}/test`, { event_types: chosen });
          setSent(true);
        });
      }}
    >
      <h2>Send a test event</h2>
      <p className="hint">A sample of each type, flagged as a test, goes through this workflow only.</p>
      <div className="checks">
        {types.map((t) => (
          <label key={t} className="check">
            <input type="checkbox" checked={chosen.includes(t)} onChange={(e) => setChosen(e.target.checked ? [...chosen, t] : chosen.filter((x) => x !== t))} />
            <code>{t}</code>
          </label>
        ))}
      </div>
      <button type="submit" className="primary" disabled={send.busy || chosen.length === 0}>
        {send.busy ? 'Sending…' : 'Send test event'}
      </button>
      {sent && (
        <p className="ok" role="status">
          Sent. Watch it arrive in the <a href={routeHref({ page: 'live', workflowId: wf.id })}>live tail</a> or find it in the{' '}
          <a href={routeHref({ page: 'events', workflowId: wf.id })}>events</a>.
        </p>
      )}
      {send.error && (
        <p className="error" role="alert">
          {send.error}
        </p>
      )}
    </form>
  );
}

function describeCondition(c: ConditionView): string {
  switch (c.type) {
    case 'event':
      return Object.entries(c.events)
        .map(([source, types]) => `${source}: ${types.join(', ')}`)
        .join('; ');
    case 'entity':
      return c.entities.join(', ');
    case 'processing_channel':
      return c.processing_channels.join(', ');
  }
}

function Condition({ api, workflowId, condition, reload, canRemove }: { api: Api; workflowId: string; condition: ConditionView; reload: () => void; canRemove: boolean }) {
  const [editing, setEditing] = useState(false);
  const [events, setEvents] = useState<[string, string][]>(() =>
    condition.type === 'event' ? Object.entries(condition.events).flatMap(([s, ts]) => ts.map((t): [string, string] => [s, t])) : [],
  );
  const [ids, setIds] = useState(() => (condition.type === 'entity' ? condition.entities.join(' ') : condition.type === 'processing_channel' ? condition.processing_channels.join(' ') : ''));
  const save = useAction();
  const path = `/workflows/${workflowId}/conditions/${condition.id}`;
  const body = (): ConditionInput => {
    switch (condition.type) {
      case 'event':
        return { type: 'event', events: eventsBySource(events) };
      case 'entity':
        return { type: 'entity', entities: idList(ids) };
      case 'processing_channel':
        return { type: 'processing_channel', processing_channels: idList(ids) };
    }
  };
  return (
    <li className="card">
      <p className="label">{condition.type.replace('_', ' ')}</p>
      {!editing && <p>{describeCondition(condition)}</p>}
      {editing && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save.run(async () => {
              await api.call('PUT', path, body());
              setEditing(false);
              reload();
            });
          }}
        >
          {condition.type === 'event' ? (
            <EventTypePicker api={api} selected={events} onChange={setEvents} />
          ) : (
            <>
              <label htmlFor={`${condition.id}-ids`}>Ids</label>
              <input id={`${condition.id}-ids`} value={ids} onChange={(e) => setIds(e.target.value)} />
            </>
          )}
          <button type="submit" className="primary" disabled={save.busy}>
            Save condition
          </button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      )}
      {!editing && (
        <div className="toolbar">
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
          {canRemove && <ConfirmButton label="Remove" confirm="Remove this condition?" onConfirm={() => void save.run(async () => (await api.call('DELETE', path), reload()))} />}
        </div>
      )}
      {save.error && (
        <p className="error" role="alert">
          {save.error}
        </p>
      )}
    </li>
  );
}

const formOf = (a: ActionView): ActionForm => ({
  url: a.url,
  format: a.format,
  retryPolicy: Array.isArray(a.retry_policy) ? a.retry_policy.map((d) => `${String(d)}ms`).join(', ') : String(a.retry_policy),
  timeoutMs: String(a.timeout_ms),
  // Values are masked in every answer: the form asks for them again.
  headers: Object.keys(a.headers).map((name) => ({ name, value: '' })),
  signatureKey: '',
});

function Action({ api, workflowId, action, reload, canRemove }: { api: Api; workflowId: string; action: ActionView; reload: () => void; canRemove: boolean }) {
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<ActionSecret>();
  const change = useAction();
  const path = `/workflows/${workflowId}/actions/${action.id}`;
  const headers = Object.entries(action.headers);
  if (editing)
    return (
      <li className="card">
        <ActionEditor
          api={api}
          title="Edit action"
          idPrefix={action.id}
          initial={formOf(action)}
          maskedHeaders={action.headers}
          note={action.signature ? 'The HMAC signing key is kept only if you enter it again.' : undefined}
          save={async (body) => {
            await api.call('PUT', path, body);
            setEditing(false);
            reload();
          }}
          cancel={() => setEditing(false)}
        />
      </li>
    );
  return (
    <li className="card">
      {action.disabled_at && (
        <div className="error" role="alert">
          <p>
            <strong>Disabled</strong> since {formatTimestamp(action.disabled_at)}: {action.disabled_reason ?? 'the receiver answered 410 Gone'}. No deliveries are made.
          </p>
          <button type="button" onClick={() => void change.run(async () => (await api.call('POST', `${path}/enable`), reload()))} disabled={change.busy}>
            Re-enable deliveries
          </button>
        </div>
      )}
      <dl className="facts">
        <dt>URL</dt>
        <dd>
          <code className="url">{action.url}</code>
        </dd>
        <dt>Format</dt>
        <dd>{action.format === 'cloudevents' ? `cloudevents (${action.cloudevents_mode})` : action.format}</dd>
        <dt>Retries</dt>
        <dd>{describeRetryPolicy(action.retry_policy)}</dd>
        <dt>Timeout</dt>
        <dd>{formatDuration(action.timeout_ms)}</dd>
        <dt>Headers</dt>
        <dd>
          {headers.length === 0
            ? 'none'
            : headers.map(([n, v]) => (
                <span key={n} className="header">
                  <code>{n}</code>: <code>{describeMasked(v)}</code>
                </span>
              ))}
        </dd>
        <dt>HMAC key</dt>
        <dd>{action.signature ? <code>{describeMasked(action.signature.key)}</code> : 'none'}</dd>
        <dt>Signing secret</dt>
        <dd>
          {secret ? (
            <span className="stack">
              <SecretText value={secret.secret} label="Signing secret" />
              {secret.previous_secret && (
                <span>
                  Previous, until {formatTimestamp(secret.previous_secret_expires_at)}: <SecretText value={secret.previous_secret} label="Previous signing secret" />
                </span>
              )}
              <button type="button" className="link" onClick={() => setSecret(undefined)}>
                Forget it
              </button>
            </span>
          ) : (
            <button type="button" onClick={() => void change.run(async () => setSecret(await api.get<ActionSecret>(`${path}/secret`)))} disabled={change.busy}>
              Reveal signing secret
            </button>
          )}
        </dd>
      </dl>
      <div className="toolbar">
        <button type="button" onClick={() => setEditing(true)}>
          Edit
        </button>
        <ConfirmButton
          label="Rotate secret"
          confirm="Rotate? The old secret keeps signing for the grace period."
          onConfirm={() =>
            void change.run(async () => {
              await api.call('POST', `${path}/secret/rotate`);
              setSecret(undefined);
              reload();
            })
          }
        />
        {canRemove && <ConfirmButton label="Remove" confirm="Remove this action?" onConfirm={() => void change.run(async () => (await api.call('DELETE', path), reload()))} />}
      </div>
      {change.error && (
        <p className="error" role="alert">
          {change.error}
        </p>
      )}
    </li>
  );
}

function ActionEditor(props: {
  api: Api;
  title: string;
  idPrefix: string;
  initial: ActionForm;
  maskedHeaders?: Record<string, string>;
  note?: string;
  save: (body: unknown) => Promise<void>;
  cancel: () => void;
}) {
  const [form, setForm] = useState(props.initial);
  const [problems, setProblems] = useState<string[]>([]);
  const save = useAction();
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const built = actionBody(form);
        if ('errors' in built) return setProblems(built.errors);
        setProblems([]);
        void save.run(() => props.save(built.body));
      }}
    >
      <h3>{props.title}</h3>
      {props.note && <p className="hint">{props.note}</p>}
      <ActionFields form={form} onChange={setForm} idPrefix={props.idPrefix} maskedHeaders={props.maskedHeaders} />
      <Problems problems={save.error ? [...problems, save.error] : problems} />
      <button type="submit" className="primary" disabled={save.busy}>
        Save action
      </button>
      <button type="button" onClick={props.cancel}>
        Cancel
      </button>
    </form>
  );
}
