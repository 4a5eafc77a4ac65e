import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exportedSeriesNames, selectedMetricNames } from './metric-names';
import { ofKind, renderedSets } from './rendered';

const DASHBOARD_FILE = path.resolve(__dirname, '../../grafana/hookstream.json');

interface Panel {
  title: string;
  type: string;
  datasource?: { uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
}

interface Dashboard {
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown }[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
const targets = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, ...target })));
const exported = exportedSeriesNames();

describe('the Grafana dashboard', () => {
  it('selects only series the services export', () => {
    expect(targets.length).toBeGreaterThan(20);
    const unknown = targets.flatMap(({ panel, expr }) => selectedMetricNames(expr).filter((name) => !exported.has(name)).map((name) => `${panel}: ${name}`));
    expect(unknown).toEqual([]);
  });

  it('asks for its data source and namespace, and every query uses both', () => {
    expect(dashboard.templating.list.map((v) => `${v.name}:${v.type}`)).toEqual(['datasource:datasource', 'namespace:query', 'service:query']);
    for (const { panel, expr, datasource } of targets) {
      expect({ panel, datasource: datasource?.uid, namespaced: expr.includes('namespace="$namespace"') }).toEqual({ panel, datasource: '${datasource}', namespaced: true });
    }
  });

  it('covers what operators look at first', () => {
    const shown = new Set(targets.flatMap(({ expr }) => selectedMetricNames(expr)));
    for (const name of [
      'delivery_attempts_total',
      'delivery_end_to_end_seconds_bucket',
      'delivery_attempt_duration_seconds_bucket',
      'hookstream_consumer_lag_messages',
      'delivery_breaker_transitions_total',
      'hookstream_dead_letters_total',
      'http_server_request_duration_seconds_count',
      'hookstream_db_pool_connections',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect({ name, shown: shown.has(name) }).toEqual({ name, shown: true });
    }
  });

  it('ships as a ConfigMap Grafana’s sidecar loads, when metrics.grafanaDashboard.enabled', () => {
    const sets = renderedSets();
    const byName = new Map(sets.map((set) => [set.name, ofKind(set.manifests, 'ConfigMap').filter((m) => m.metadata.labels?.grafana_dashboard === '1')]));
    expect(byName.get('defaults')).toEqual([]);
    const [shipped, ...more] = byName.get('everything') ?? [];
    expect(more).toEqual([]);
    expect(shipped.metadata.annotations).toEqual({ grafana_folder: 'hookstream' });
    expect(JSON.parse((shipped.data as Record<string, string>)['hookstream.json'])).toEqual(dashboard);
  });
});

describe('the alert rules', () => {
  it('select only series the services export, or a Kafka exporter’s lag where asked for', () => {
    const [rule] = ofKind(renderedSets().find((set) => set.name === 'everything')?.manifests ?? [], 'PrometheusRule');
    const exprs = (rule.spec as { groups: { rules: { alert: string; expr: string }[] }[] }).groups.flatMap((g) => g.rules);
    expect(exprs.length).toBeGreaterThan(10);
    const unknown = exprs.flatMap(({ alert, expr }) => selectedMetricNames(expr).filter((name) => !exported.has(name) && name !== 'kafka_consumergroup_lag').map((name) => `${alert}: ${name}`));
    expect(unknown).toEqual([]);
  });
});

describe('selectedMetricNames', () => {
  it('finds each selected metric, not functions, keywords or label values', () => {
    expect(selectedMetricNames('histogram_quantile(0.99, sum by (le) (rate(a_bucket{namespace="x{y}[z]"}[5m]))) / on (ns) b{c="d"} and up[1m]')).toEqual(['a_bucket', 'b', 'up']);
  });
});
