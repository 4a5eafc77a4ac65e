import { cpuMsPerThousandDeliveries, markdown, profiledRun, profileSection } from './report';
import type { BenchReport, ProfiledRun, ScenarioResult } from './results';

const scenario = (id: string, delivered: number, cpuSeconds: Record<string, number>, status: ScenarioResult['status'] = 'ok'): ScenarioResult => ({
  id,
  title: `scenario ${id}`,
  status,
  figures: [],
  checks: delivered ? { [`s${id}`]: { expected: delivered, delivered, duplicates: 0, lost: 0 } } : {},
  cpuSeconds,
  startedAt: 0,
  endedAt: 2000,
});

const profiles = [
  {
    service: 'delivery',
    file: 'tmp/bench/x/profiles/delivery/CPU.cpuprofile',
    cpuMsPerThousandDeliveries: 512.4,
    top: [{ name: 'request node_modules/undici/lib/x.js:10', selfMs: 30, share: 3 }],
    byPackage: [{ name: 'libs/delivery/pipeline', selfMs: 200, share: 20 }],
  },
];

const report = (overrides: Partial<BenchReport> = {}): BenchReport => ({
  runId: '20261203-101500',
  mode: 'quick',
  startedAt: '2026-12-03T10:15:00.000Z',
  durationSeconds: 60,
  machine: { cpus: 2, cpuModel: 'cpu', memoryGb: 8, node: 'v20', commit: 'abc1234', kafkaBrokers: 'k:9092', loadAverage: [1, 1] },
  topicPrefix: 'bench_x_',
  scenarios: [scenario('3', 2_000, { delivery: 1 }), scenario('9', 0, {}, 'not run')],
  resources: {},
  timeline: [],
  phases: [],
  ...overrides,
});

describe('cpuMsPerThousandDeliveries', () => {
  it("divides a process's CPU over the scenarios that delivered by their deliveries", () => {
    const scenarios = [scenario('2', 4_000, { delivery: 2 }), scenario('3', 1_000, { delivery: 1.5 }), scenario('8', 0, { delivery: 9 })];
    expect(cpuMsPerThousandDeliveries(scenarios, 'delivery')).toBeCloseTo((3.5 * 1e6) / 5_000);
  });

  it('is unknown for a process never sampled, or when nothing was delivered', () => {
    expect(cpuMsPerThousandDeliveries([scenario('2', 4_000, { delivery: 2 })], 'matcher')).toBeUndefined();
    expect(cpuMsPerThousandDeliveries([scenario('8', 0, { delivery: 2 })], 'delivery')).toBeUndefined();
  });
});

describe('profiledRun', () => {
  it('keeps what the next reports show of a run that profiled: its id, commit, date, scenarios run and services', () => {
    expect(profiledRun(report({ profiles }))).toEqual({
      runId: '20261203-101500',
      commit: 'abc1234',
      startedAt: '2026-12-03T10:15:00.000Z',
      mode: 'quick',
      scenarios: ['3'],
      services: ['delivery'],
      profiles,
    });
  });

  it('is nothing for a run that did not profile', () => {
    expect(profiledRun(report())).toBeUndefined();
    expect(profiledRun(report({ profiles: [] }))).toBeUndefined();
  });
});

describe('the profile section', () => {
  const last: ProfiledRun = { runId: '20261201-090000', commit: 'def5678', startedAt: '2026-12-01T09:00:00.000Z', mode: 'full', scenarios: ['3'], services: ['delivery'], profiles };

  it("shows each service's packages, functions and CPU per 1,000 deliveries", () => {
    const text = profileSection(last, false).join('\n');
    expect(text).toContain('## Where the CPU goes (from the profiled run 20261201-090000 of 2026-12-01 09:00 UTC, commit def5678, scenarios 3)');
    expect(text).toContain('### delivery');
    expect(text).toContain('CPU ms per 1,000 deliveries over the scenarios that delivered: 512.');
    expect(text).toContain('| libs/delivery/pipeline | 20% |');
    expect(text).toContain('| `request node_modules/undici/lib/x.js:10` | 3% |');
  });

  it("ends the report of a run that profiled with this run's profiles", () => {
    const md = markdown(report({ profiles }), 'latest.svg', last);
    expect(md).toContain('## Where the CPU goes (this run, `--profile=delivery`, scenarios 3)');
    expect(md).not.toContain('from the profiled run');
  });

  it('ends the report of a run that did not profile with the last profiled run, when there is one', () => {
    const md = markdown(report(), 'latest.svg', last);
    const section = md.indexOf('## Where the CPU goes (from the profiled run 20261201-090000');
    expect(section).toBeGreaterThan(md.indexOf('![throughput and p99 over time]'));
    expect(md.indexOf('\n## ', section + 1)).toBe(-1);
    expect(markdown(report(), 'latest.svg')).not.toContain('Where the CPU goes');
  });
});
