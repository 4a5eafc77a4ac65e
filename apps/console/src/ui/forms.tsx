import { useState } from 'react';
import type { Api } from '../api';
import type { EventSourceView } from '../api-types';
import { FORMATS, type ActionForm, type HeaderRow } from '../lib/workflow-form';
import { NAMED_RETRY_POLICIES } from '../lib/retry-policy';
import { Loaded, useLoad } from './common';

const pairKey = (source: string, type: string) => `${source}\u0000${type}`;

/** The catalog's event types as checkboxes, by source. */
export function EventTypePicker({ api, selected, onChange }: { api: Api; selected: readonly (readonly [string, string])[]; onChange: (next: [string, string][]) => void }) {
  const [catalog, reload] = useLoad(() => api.get<EventSourceView[]>('/workflows/event-types'), [api]);
  const chosen = new Set(selected.map(([s, t]) => pairKey(s, t)));
  const toggle = (source: string, type: string, on: boolean) => {
    const rest = selected.filter(([s, t]) => pairKey(s, t) !== pairKey(source, type)).map(([s, t]): [string, string] => [s, t]);
    onChange(on ? [...rest, [source, type]] : rest);
  };
  return (
    <fieldset>
      <legend>Event types</legend>
      <Loaded load={catalog} what="the event catalog" retry={reload}>
        {(sources) =>
          sources.length === 0 ? (
            <p className="note">The catalog has no event types yet: an operator adds them (POST /admin/event-types).</p>
          ) : (
            sources.map((source) => (
              <div key={source.id} className="checks">
                <p className="source">{source.display_name || source.id}</p>
                {source.events.map((type) => (
                  <label key={type.id} className="check">
                    <input type="checkbox" checked={chosen.has(pairKey(source.id, type.id))} onChange={(e) => toggle(source.id, type.id, e.target.checked)} />
                    <code>{type.id}</code>
                  </label>
                ))}
              </div>
            ))
          )
        }
      </Loaded>
    </fieldset>
  );
}

/** One webhook action: where, how it is shaped and signed, how it retries. Header values and the key are write-only. */
export function ActionFields({ form, onChange, idPrefix, maskedHeaders }: { form: ActionForm; onChange: (f: ActionForm) => void; idPrefix: string; maskedHeaders?: Record<string, string> }) {
  const set = <K extends keyof ActionForm>(key: K, value: ActionForm[K]) => onChange({ ...form, [key]: value });
  const setHeader = (i: number, row: HeaderRow) => set('headers', form.headers.map((h, j) => (j === i ? row : h)));
  const [customRetry] = useState(() => !NAMED_RETRY_POLICIES.some((p) => p === form.retryPolicy));
  return (
    <fieldset>
      <legend>Webhook</legend>
      <label htmlFor={`${idPrefix}-url`}>Receiver URL</label>
      <input id={`${idPrefix}-url`} type="url" required placeholder="https://example.com/webhooks" value={form.url} onChange={(e) => set('url', e.target.value)} />
      <div className="row">
        <div>
          <label htmlFor={`${idPrefix}-format`}>Payload format</label>
          <select id={`${idPrefix}-format`} value={form.format} onChange={(e) => set('format', e.target.value)}>
            {FORMATS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor={`${idPrefix}-retry`}>Retry policy</label>
          <input id={`${idPrefix}-retry`} list={`${idPrefix}-retry-names`} value={form.retryPolicy} onChange={(e) => set('retryPolicy', e.target.value)} aria-describedby={`${idPrefix}-retry-help`} />
          <datalist id={`${idPrefix}-retry-names`}>
            {NAMED_RETRY_POLICIES.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          <p id={`${idPrefix}-retry-help`} className="hint">
            {customRetry ? 'Delays between attempts, ' : 'A name, or delays such as '}
            <code>1s, 30s, 5m, 1h</code>.
          </p>
        </div>
        <div>
          <label htmlFor={`${idPrefix}-timeout`}>Timeout (ms)</label>
          <input id={`${idPrefix}-timeout`} inputMode="numeric" placeholder="10000" value={form.timeoutMs} onChange={(e) => set('timeoutMs', e.target.value)} />
        </div>
      </div>
      <p className="label">Headers</p>
      {form.headers.length === 0 && <p className="hint">None: add one for a receiver that wants a token of its own.</p>}
      {form.headers.map((row, i) => (
        <div className="row header-row" key={i}>
          <div>
            <label htmlFor={`${idPrefix}-h${i}-name`}>Name</label>
            <input id={`${idPrefix}-h${i}-name`} value={row.name} onChange={(e) => setHeader(i, { ...row, name: e.target.value })} />
          </div>
          <div>
            <label htmlFor={`${idPrefix}-h${i}-value`}>Value</label>
            <input
              id={`${idPrefix}-h${i}-value`}
              type="password"
              autoComplete="off"
              placeholder={maskedHeaders?.[row.name] ? `now ${maskedHeaders[row.name]} — enter it again` : ''}
              value={row.value}
              onChange={(e) => setHeader(i, { ...row, value: e.target.value })}
            />
          </div>
          <button type="button" onClick={() => set('headers', form.headers.filter((_, j) => j !== i))} aria-label={`Remove header ${row.name || i + 1}`}>
            Remove
          </button>
        </div>
      ))}
      <button type="button" onClick={() => set('headers', [...form.headers, { name: '', value: '' }])}>
        Add header
      </button>
      <label htmlFor={`${idPrefix}-sig`}>HMAC signing key (optional)</label>
      <input id={`${idPrefix}-sig`} type="password" autoComplete="off" value={form.signatureKey} onChange={(e) => set('signatureKey', e.target.value)} aria-describedby={`${idPrefix}-sig-help`} />
      <p id={`${idPrefix}-sig-help`} className="hint">
        Signs the Checkout-style <code>Cko-Signature</code> header; never shown back. Every delivery is also signed with the action’s <code>whsec_</code> secret (Standard
        Webhooks).
      </p>
    </fieldset>
  );
}

export function Problems({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="error" role="alert">
      {problems.map((p) => (
        <li key={p}>{p}</li>
      ))}
    </ul>
  );
}
