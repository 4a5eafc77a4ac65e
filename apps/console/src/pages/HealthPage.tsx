import type { Api } from '../api';
import type { EndpointHealth, WorkflowView } from '../api-types';
import { healthBars } from '../lib/chart';
import { formatRate, formatTimestamp } from '../lib/format';
import { routeHref } from '../lib/route';
import { Loaded, useAction, useLoad } from '../ui/common';

const W = 480;
const H = 80;

/** Per action URL: the last hour's success rate and latency, the breaker as last observed, and a 410 to undo. */
export function HealthPage({ api, id }: { api: Api; id: string }) {
  const [view, reload] = useLoad(async () => {
    const [workflow, health] = await Promise.all([api.get<WorkflowView>(`/workflows/${id}`), api.get<{ data: EndpointHealth[] }>(`/workflows/${id}/health`)]);
    return { workflow, health: health.data };
  }, [api, id]);
  const enable = useAction();
  return (
    <section>
      <p className="crumbs">
        <a href={routeHref({ page: 'workflows' })}>Workflows</a> / <a href={routeHref({ page: 'workflow', id })}>{view.state === 'ready' ? view.data.workflow.name : id}</a> /
      </p>
      <div className="title">
        <h1>Endpoint health</h1>
        <button type="button" onClick={reload}>
          Refresh
        </button>
      </div>
      <p className="note">The last hour, in 5-minute buckets. The breaker state is as last observed in the attempts (each delivery replica keeps its own).</p>
      {enable.error && (
        <p className="error" role="alert">
          {enable.error}
        </p>
      )}
      <Loaded load={view} what="endpoint health" retry={reload}>
        {({ workflow, health }) =>
          health.length === 0 ? (
            <p className="empty">This workflow has no actions.</p>
          ) : (
            <ul className="cards">
              {health.map((entry) => {
                // workflow-config says first when a 410 disabled an action (and when it was re-enabled).
                const action = workflow.actions.find((a) => a.id === entry.action_id);
                const h = action ? { ...entry, disabled_at: action.disabled_at, disabled_reason: action.disabled_reason ?? entry.disabled_reason } : entry;
                return (
                <li key={h.action_id} className="card health">
                  <code className="url">{h.url}</code>
                  {h.disabled_at && (
                    <div className="error" role="alert">
                      <p>
                        <strong>Disabled</strong> since {formatTimestamp(h.disabled_at)}: {h.disabled_reason ?? 'the receiver answered 410 Gone'}.
                      </p>
                      <button
                        type="button"
                        disabled={enable.busy}
                        onClick={() => void enable.run(async () => (await api.call('POST', `/workflows/${id}/actions/${h.action_id}/enable`), reload()))}
                      >
                        Re-enable deliveries
                      </button>
                    </div>
                  )}
                  <dl className="stats">
                    <div>
                      <dt>Success</dt>
                      <dd>{formatRate(h.success_rate)}</dd>
                    </div>
                    <div>
                      <dt>Attempts</dt>
                      <dd>
                        {h.succeeded} / {h.attempts}
                      </dd>
                    </div>
                    <div>
                      <dt>Latency p50 · p95 · p99</dt>
                      <dd>{h.latency_ms ? `${Math.round(h.latency_ms.p50)} · ${Math.round(h.latency_ms.p95)} · ${Math.round(h.latency_ms.p99)} ms` : '—'}</dd>
                    </div>
                    <div>
                      <dt>Breaker</dt>
                      <dd>
                        <span className={`badge ${h.breaker.state === 'closed' ? 'ok' : h.breaker.state === 'open' ? 'fail' : ''}`}>{h.breaker.state}</span>
                      </dd>
                    </div>
                  </dl>
                  {h.attempts === 0 ? (
                    <p className="hint">No attempts in the last hour: send a test event from the workflow’s page.</p>
                  ) : (
                    <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Attempts per 5 minutes over the last hour for ${h.url}`}>
                      {healthBars(h.series, W, H).map((b) => (
                        <g key={b.x}>
                          <title>{b.title}</title>
                          <rect className="all" x={b.x} y={b.y} width={b.width} height={b.height} />
                          <rect className="ok" x={b.x} y={b.okY} width={b.width} height={b.okHeight} />
                        </g>
                      ))}
                    </svg>
                  )}
                </li>
                );
              })}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}
