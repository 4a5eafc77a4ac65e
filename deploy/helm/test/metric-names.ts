import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';

const ROOT = path.resolve(__dirname, '../../..');

/** A metric the services define (`metrics.counter('name', …)` and the like), and whether it is a histogram. */
const DEFINITION = /\.(counter|histogram|gauge)(?:<[^>]*>)?\(\s*'([a-zA-Z_:][a-zA-Z0-9_:]*)'/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === '__fixtures__' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name) ? [full] : [];
  });
}

/**
 * Every series name the services export: what the code defines under libs/
 * (a histogram as its _bucket, _sum and _count), prom-client's default
 * process and Node.js metrics as the library itself names them, and `up`,
 * which Prometheus adds to every target.
 */
export function exportedSeriesNames(): Set<string> {
  const names = new Set<string>(['up']);
  for (const file of sourceFiles(path.join(ROOT, 'libs'))) {
    for (const [, kind, name] of readFileSync(file, 'utf8').matchAll(DEFINITION)) {
      if (kind === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      else names.add(name);
    }
  }
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  for (const metric of defaults.getMetricsAsArray()) {
    const type = String((metric as unknown as { type?: unknown }).type);
    if (type === 'histogram' || type === 'summary') for (const suffix of ['_bucket', '_sum', '_count']) names.add(metric.name + suffix);
    names.add(metric.name);
  }
  return names;
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);

/** The metric names a PromQL expression selects: each name followed by a `{…}` selector or a `[…]` range. */
export function selectedMetricNames(expr: string): string[] {
  // Label matchers hold quoted strings that may look like anything: drop them first.
  const unquoted = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...unquoted.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*[{[]/g)].map((m) => m[1]).filter((name) => !PROMQL_WORDS.has(name));
}
