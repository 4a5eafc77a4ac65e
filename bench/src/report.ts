import os from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TimelineBucket } from './receiver-api';
import type { BenchReport, Figure, Phase, ProfiledRun, ScenarioResult } from './results';
import { TARGETS } from './targets';

const SERVICE_ORDER = ['gateway', 'workflow-config', 'event-ingest', 'matcher', 'delivery', 'projection'];

function number(value: number, digits: number): string {
  return value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function formatFigure(f: Pick<Figure, 'value' | 'unit'>): string {
  const v = f.value;
  if (v === null || !Number.isFinite(v)) return 'n/a';
  switch (f.unit) {
    case '/s':
      return `${number(Math.round(v), 0)}/s`;
    case 'ms':
      return `${number(v, v < 10 ? 1 : 0)} ms`;
    case '%':
      return `${number(v, 0)}%`;
    case '×':
      return `${number(v, 2)}×`;
    case 'µs/event':
      return `${number(v, v < 10 ? 2 : 1)} µs/event`;
    case 'MB':
      return `${number(v, 0)} MB`;
    case 's':
      return `${number(v, 1)} s`;
    default:
      return `${number(v, 0)} ${f.unit}`;
  }
}

/** Text that may hold | or line breaks, made safe for a table cell. */
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

const verdict = (f: Figure) => (f.meets === undefined ? '' : f.meets ? 'met' : '**missed**');

/**
 * The report of a run. A run that did not profile ends with the summaries of
 * the last one that did (`lastProfiled`, from profiles.json), so that where
 * the CPU goes stays in view.
 */
export function markdown(report: BenchReport, svgName: string, lastProfiled?: ProfiledRun): string {
  const m = report.machine;
  const lines: string[] = [];
  lines.push('# Benchmark: latest run', '');
  lines.push(
    `\`npm run bench${report.mode === 'quick' ? ' -- --quick' : ''}\` on ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${report.mode} mode, ` +
      `${Math.round(report.durationSeconds)} s · ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB · Node ${m.node} · commit ${m.commit} · ` +
      `Kafka ${m.kafkaBrokers} and Postgres shared with whatever else ran on the machine ` +
      `(1-minute load average ${number(m.loadAverage[0], 1)} at the start, ${number(m.loadAverage[1], 1)} at the end; ${m.cpus} would be a full machine).`,
    '',
  );
  lines.push('| # | scenario | figure | measured | target | |', '|---|---|---|---|---|---|');
  for (const s of report.scenarios) {
    if (s.status === 'not run') {
      lines.push(`| ${s.id} | ${s.title} | not run: ${cell(s.reason ?? '')} | | | |`);
      continue;
    }
    if (s.status === 'failed') lines.push(`| ${s.id} | ${s.title} | **FAILED**: ${cell(s.reason ?? '')} | | | |`);
    s.figures.forEach((f, i) => {
      const title = i === 0 && s.status !== 'failed' ? s.title : '';
      lines.push(`| ${i === 0 && s.status !== 'failed' ? s.id : ''} | ${title} | ${f.label} | ${formatFigure(f)} | ${f.target ?? ''} | ${verdict(f)} |`);
    });
  }
  const resources = Object.entries(report.resources).sort(([a], [b]) => order(a) - order(b));
  lines.push('', '## 8. Memory and CPU of each process', '');
  lines.push(`| process | peak RSS | target | CPU seconds, this run | CPU ms per 1,000 deliveries in scenario 2 |`, '|---|---|---|---|---|');
  const s2 = report.scenarios.find((s) => s.id === '2');
  const s2Deliveries = s2 ? Object.values(s2.checks).reduce((n, c) => n + c.delivered, 0) : 0;
  for (const [name, usage] of resources) {
    const service = SERVICE_ORDER.includes(name);
    const perK = s2 && s2Deliveries > 0 && s2.cpuSeconds[name] !== undefined ? number((s2.cpuSeconds[name] * 1e6) / s2Deliveries, 0) : '';
    const rss = service ? `${TARGETS.peakRss.text} ${TARGETS.peakRss.meets(usage.peakRssMb) ? 'met' : '**missed**'}` : '';
    lines.push(`| ${name} | ${number(usage.peakRssMb, 0)} MB | ${rss} | ${number(usage.cpuSeconds, 1)} | ${perK} |`);
  }
  if (s2 && s2Deliveries > 0 && s2.endedAt > s2.startedAt) {
    // What bounds the end-to-end figure: the machine's cores, shared by every process above.
    const cpu = Object.values(s2.cpuSeconds).reduce((a, b) => a + b, 0);
    lines.push('', `In scenario 2 these processes together used ${number(cpu / ((s2.endedAt - s2.startedAt) / 1000), 2)} CPU-seconds per second of its wall time (the machine has ${os.cpus().length} cores), ${number((cpu * 1e6) / s2Deliveries, 0)} ms per 1,000 deliveries.`);
  }
  // Scenarios 7 and 8 only read what others measured.
  const ran = report.scenarios.filter((s) => s.status !== 'not run' && s.endedAt - s.startedAt >= 1000);
  if (ran.length > 0) {
    lines.push('', '## CPU seconds by scenario', '');
    lines.push(`| process | ${ran.map((s) => s.id).join(' | ')} |`, `|---|${ran.map(() => '---').join('|')}|`);
    for (const [name] of resources) lines.push(`| ${name} | ${ran.map((s) => (s.cpuSeconds[name] === undefined ? '' : number(s.cpuSeconds[name], 1))).join(' | ')} |`);
    lines.push('', '## Largest resident set by scenario (MB, sampled once a second)', '');
    lines.push(`| process | ${ran.map((s) => s.id).join(' | ')} |`, `|---|${ran.map(() => '---').join('|')}|`);
    for (const [name] of resources) lines.push(`| ${name} | ${ran.map((s) => (s.rssMb?.[name] === undefined ? '' : number(s.rssMb[name], 0))).join(' | ')} |`);
    lines.push('', `Wall time per scenario (s): ${ran.map((s) => `${s.id}: ${Math.round((s.endedAt - s.startedAt) / 1000)}`).join(', ')}.`);
  }
  const counted = report.scenarios.filter((s) => Object.values(s.counters ?? {}).some((v) => v > 0));
  if (counted.length > 0) {
    const names = [...new Set(counted.flatMap((s) => Object.keys(s.counters ?? {})))];
    lines.push('', '## What the pipeline counted in each scenario (Prometheus counters, growth)', '');
    lines.push(`| counter | ${counted.map((s) => s.id).join(' | ')} |`, `|---|${counted.map(() => '---').join('|')}|`);
    for (const name of names) lines.push(`| ${name} | ${counted.map((s) => (s.counters?.[name] === undefined ? '' : number(s.counters[name], 0))).join(' | ')} |`);
  }
  if (report.rebalances && report.rebalances.length > 0) {
    lines.push('', '## Consumer group rebalances (partition assignments per group; none expected during the run)', '');
    lines.push('| group | first joins | rebalances during the run |', '|---|---|---|');
    for (const r of report.rebalances) lines.push(`| ${cell(r.group)} | ${number(r.atStart, 0)} | ${r.duringRun > 0 ? `**${number(r.duringRun, 0)}**` : '0'} |`);
  }
  lines.push('', '## Every expected delivery arrived?', '');
  lines.push('| # | phase | expected | delivered | duplicates | lost |', '|---|---|---|---|---|---|');
  for (const s of report.scenarios) {
    for (const [label, c] of Object.entries(s.checks)) {
      lines.push(`| ${s.id} | ${label} | ${number(c.expected, 0)} | ${number(c.delivered, 0)} | ${number(c.duplicates, 0)} | ${c.lost > 0 ? `**${number(c.lost, 0)}**` : '0'} |`);
    }
  }
  lines.push('', `Deliveries per second and p99 latency (producer timestamp to receiver) over the run:`, '', `![throughput and p99 over time](${svgName})`, '');
  lines.push('Figures at "max rate" come from events produced as fast as the broker takes them, so their latency is mostly queueing. Raw numbers: `bench/results/<timestamp>.json` (not committed).', '');
  const thisRun = profiledRun(report);
  const profiled = thisRun ?? lastProfiled;
  if (profiled) lines.push(...profileSection(profiled, thisRun !== undefined), '');
  return lines.join('\n');
}

/** The scenarios of a run that ran (whatever their outcome), by id. */
function scenariosRun(report: BenchReport): string[] {
  return report.scenarios.filter((s) => s.status !== 'not run').map((s) => s.id);
}

/** What profiles.json keeps of a run that profiled; undefined for one that did not. */
export function profiledRun(report: BenchReport): ProfiledRun | undefined {
  if (!report.profiles || report.profiles.length === 0) return undefined;
  return {
    runId: report.runId,
    commit: report.machine.commit,
    startedAt: report.startedAt,
    mode: report.mode,
    scenarios: scenariosRun(report),
    services: report.profiles.map((p) => p.service),
    profiles: report.profiles,
  };
}

/**
 * A process's CPU seconds over the scenarios that delivered, per 1,000 of
 * their deliveries, in ms; undefined when none delivered or the process was
 * not sampled.
 */
export function cpuMsPerThousandDeliveries(scenarios: readonly ScenarioResult[], process: string): number | undefined {
  let cpuSeconds = 0;
  let deliveries = 0;
  for (const s of scenarios) {
    const delivered = Object.values(s.checks).reduce((n, c) => n + c.delivered, 0);
    if (delivered === 0 || s.cpuSeconds[process] === undefined) continue;
    cpuSeconds += s.cpuSeconds[process];
    deliveries += delivered;
  }
  return deliveries > 0 ? (cpuSeconds * 1e6) / deliveries : undefined;
}

/** Where each profiled service's CPU went: by package and by function, for this run or the last one that profiled. */
export function profileSection(run: ProfiledRun, thisRun: boolean): string[] {
  const scenarios = run.scenarios.join(', ') || 'none';
  const lines = [
    thisRun
      ? `## Where the CPU goes (this run, \`--profile=${run.services.join(',')}\`, scenarios ${scenarios})`
      : `## Where the CPU goes (from the profiled run ${run.runId} of ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit ${run.commit}, scenarios ${scenarios})`,
    '',
    `Each service ran with \`--cpu-prof\` (${run.mode} mode); shares are of its busy time (the samples that were not idle).`,
  ];
  for (const p of [...run.profiles].sort((a, b) => order(a.service) - order(b.service))) {
    lines.push('', `### ${p.service}`, '');
    if (p.cpuMsPerThousandDeliveries !== undefined) lines.push(`CPU ms per 1,000 deliveries over the scenarios that delivered: ${number(p.cpuMsPerThousandDeliveries, 0)}.`, '');
    const idle = p.byPackage.find((e) => e.name === '(idle)')?.share ?? 0;
    const busy = (e: { share: number }) => (idle < 100 ? (100 * e.share) / (100 - idle) : 0);
    lines.push(`Idle ${number(idle, 1)}% of the profile.`, '');
    lines.push('| package (its own code and the Node internals it called) | share of busy time |', '|---|---|');
    for (const e of p.byPackage.filter((e) => e.name !== '(idle)').slice(0, 10)) lines.push(`| ${cell(e.name)} | ${number(busy(e), 1)}% |`);
    lines.push('', '| function (self time) | share of busy time |', '|---|---|');
    for (const e of p.top.filter((e) => e.name !== '(idle)').slice(0, 12)) lines.push(`| \`${cell(e.name)}\` | ${number(busy(e), 1)}% |`);
  }
  return lines;
}

function order(name: string): number {
  const i = SERVICE_ORDER.indexOf(name);
  return i >= 0 ? i : SERVICE_ORDER.length;
}

/** Two panels over time: deliveries per second, and p99 latency on a log scale; scenario phases shaded. */
export function svgChart(timeline: TimelineBucket[], phases: Phase[]): string {
  const W = 900;
  const H = 440;
  const left = 60;
  const right = 20;
  const panelH = 150;
  const top1 = 58;
  const top2 = top1 + panelH + 50;
  if (timeline.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="60"><text x="10" y="30" font-family="sans-serif" font-size="13">no deliveries recorded</text></svg>`;
  const t0 = timeline[0].t;
  const t1 = timeline[timeline.length - 1].t + 1000;
  const x = (t: number) => left + ((t - t0) / (t1 - t0)) * (W - left - right);
  const maxRate = Math.max(...timeline.map((b) => b.count));
  const y1 = (v: number) => top1 + panelH - (v / maxRate) * panelH;
  const finite = timeline.filter((b) => Number.isFinite(b.p99) && b.p99 > 0);
  const maxP99 = Math.max(10, ...finite.map((b) => b.p99));
  const decades = Math.ceil(Math.log10(maxP99));
  const y2 = (ms: number) => top2 + panelH - (Math.log10(Math.max(1, ms)) / decades) * panelH;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  phases.forEach((p, i) => {
    if (!Number.isFinite(p.from) || !Number.isFinite(p.to)) return;
    const a = x(Math.max(t0, p.from));
    const b = x(Math.min(t1, p.to));
    out.push(`<rect x="${a.toFixed(1)}" y="${top1 - 30}" width="${Math.max(1, b - a).toFixed(1)}" height="${top2 + panelH - top1 + 30}" fill="${i % 2 ? '#eef3fb' : '#f6f6f6'}"/>`);
    out.push(`<text x="${(a + 2).toFixed(1)}" y="${top1 - 18 + (i % 2) * 12}" fill="#555">${escape(p.label)}</text>`);
  });
  out.push(`<text x="${left}" y="16" font-size="13" font-weight="bold">deliveries per second (max ${Math.round(maxRate).toLocaleString('en')})</text>`);
  out.push(`<text x="${left}" y="${top2 - 22}" font-size="13" font-weight="bold">p99 latency per second, producer to receiver (log scale)</text>`);
  out.push(axis(left, top1, W - right, panelH));
  out.push(axis(left, top2, W - right, panelH));
  const step = niceStep(maxRate / 4);
  for (let v = 0; v <= maxRate; v += step) {
    out.push(`<text x="${left - 6}" y="${(y1(v) + 4).toFixed(1)}" text-anchor="end">${v.toLocaleString('en')}</text>`);
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y1(v).toFixed(1)}" y2="${y1(v).toFixed(1)}" stroke="#ddd"/>`);
  }
  for (let d = 0; d <= decades; d++) {
    const label = 10 ** d >= 1000 ? `${10 ** d / 1000} s` : `${10 ** d} ms`;
    out.push(`<text x="${left - 6}" y="${(y2(10 ** d) + 4).toFixed(1)}" text-anchor="end">${label}</text>`);
    out.push(`<line x1="${left}" x2="${W - right}" y1="${y2(10 ** d).toFixed(1)}" y2="${y2(10 ** d).toFixed(1)}" stroke="#ddd"/>`);
  }
  // Seconds without deliveries are zero throughput, and breaks in the latency line.
  const byT = new Map(timeline.map((b) => [b.t, b]));
  const rates: string[] = [];
  const latencyRuns: string[][] = [[]];
  for (let t = t0; t < t1; t += 1000) {
    const b = byT.get(t);
    rates.push(`${x(t + 500).toFixed(1)},${y1(b?.count ?? 0).toFixed(1)}`);
    if (b && Number.isFinite(b.p99) && b.p99 > 0) latencyRuns[latencyRuns.length - 1].push(`${x(t + 500).toFixed(1)},${y2(b.p99).toFixed(1)}`);
    else if (latencyRuns[latencyRuns.length - 1].length > 0) latencyRuns.push([]);
  }
  out.push(`<polyline fill="none" stroke="#1f6fd1" stroke-width="1.5" points="${rates.join(' ')}"/>`);
  for (const run of latencyRuns.filter((r) => r.length > 0)) out.push(`<polyline fill="none" stroke="#d1421f" stroke-width="1.5" points="${run.join(' ')}"/>`);
  const seconds = Math.round((t1 - t0) / 1000);
  const tick = seconds > 300 ? 60 : seconds > 60 ? 30 : 10;
  for (let s = 0; s <= seconds; s += tick) out.push(`<text x="${x(t0 + s * 1000).toFixed(1)}" y="${top2 + panelH + 16}" text-anchor="middle">${s} s</text>`);
  out.push('</svg>');
  return out.join('\n');
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
}

function axis(x0: number, y0: number, x1: number, h: number): string {
  return `<line x1="${x0}" y1="${y0 + h}" x2="${x1}" y2="${y0 + h}" stroke="#888"/><line x1="${x0}" y1="${y0}" x2="${x0}" y2="${y0 + h}" stroke="#888"/>`;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** The last profiled run's summaries, when profiles.json is there and reads as one. */
function readProfiledRun(file: string): ProfiledRun | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const run = JSON.parse(readFileSync(file, 'utf8')) as Partial<ProfiledRun>;
    return typeof run.runId === 'string' && Array.isArray(run.profiles) && Array.isArray(run.scenarios) && Array.isArray(run.services) ? (run as ProfiledRun) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * bench/results/<timestamp>.json (ignored by git), latest.md and latest.svg
 * (committed); a run that profiles also replaces profiles.json, which the
 * next runs' latest.md shows.
 */
export function writeReport(resultsDir: string, report: BenchReport): { json: string; md: string; svg: string; profiles?: string } {
  mkdirSync(resultsDir, { recursive: true });
  const json = path.join(resultsDir, `${report.runId}.json`);
  const md = path.join(resultsDir, 'latest.md');
  const svg = path.join(resultsDir, 'latest.svg');
  const profilesFile = path.join(resultsDir, 'profiles.json');
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(svg, `${svgChart(report.timeline, report.phases)}\n`);
  const profiled = profiledRun(report);
  if (profiled) writeFileSync(profilesFile, `${JSON.stringify(profiled, null, 2)}\n`);
  writeFileSync(md, markdown(report, 'latest.svg', profiled ? undefined : readProfiledRun(profilesFile)));
  return { json, md, svg, ...(profiled ? { profiles: profilesFile } : {}) };
}
