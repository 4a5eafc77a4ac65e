import type { ProfileEntry } from './cpu-profile';
import type { GroupRebalances } from './rebalances';
import type { TimelineBucket } from './receiver-api';
import type { ProcessUsage } from './process-sampler';

/** One measured figure, and the target it is read against where the issue sets one. */
export interface Figure {
  label: string;
  value: number | null;
  unit: string;
  target?: string;
  /** Whether the value meets the target; absent when there is none. */
  meets?: boolean;
}

/** Every expected delivery arrived, or how many did not. */
export interface DeliveryCheck {
  expected: number;
  delivered: number;
  /** Repeated arrivals of one webhook-id (at-least-once): allowed, but counted. */
  duplicates: number;
  lost: number;
}

export type ScenarioStatus = 'ok' | 'failed' | 'not run';

export interface ScenarioResult {
  id: string;
  title: string;
  status: ScenarioStatus;
  reason?: string;
  figures: Figure[];
  checks: Record<string, DeliveryCheck>;
  /** CPU seconds each process spent during the scenario. */
  cpuSeconds: Record<string, number>;
  /** The largest resident set each process had in the once-a-second samples taken during the scenario (MB). */
  rssMb?: Record<string, number>;
  /** How much each pipeline counter (Prometheus, all labels summed) grew during the scenario. */
  counters?: Record<string, number>;
  startedAt: number;
  endedAt: number;
  details?: Record<string, unknown>;
}

export interface Phase {
  label: string;
  from: number;
  to: number;
}

export interface BenchReport {
  runId: string;
  mode: 'full' | 'quick';
  startedAt: string;
  durationSeconds: number;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGb: number;
    node: string;
    commit: string;
    kafkaBrokers: string;
    /** 1-minute load average at the start and at the end: other work on the machine shows here. */
    loadAverage: [number, number];
  };
  topicPrefix: string;
  scenarios: ScenarioResult[];
  /** Per process: CPU seconds over the run, peak RSS. */
  resources: Record<string, ProcessUsage>;
  timeline: TimelineBucket[];
  phases: Phase[];
  /** Partition assignments per consumer group: first joins, and rebalances over the run (none expected). */
  rebalances?: GroupRebalances[];
  /** One per service run with `--profile=`. */
  profiles?: ServiceProfile[];
}

/** Where one service's CPU time went over a run, from its .cpuprofile. */
export interface ServiceProfile {
  service: string;
  /** The .cpuprofile, relative to the repository (not kept: tmp/bench). */
  file: string;
  /** Its CPU seconds over the scenarios that delivered, per 1,000 of their deliveries (warm-ups included in both). */
  cpuMsPerThousandDeliveries?: number;
  top: ProfileEntry[];
  byPackage: ProfileEntry[];
}

/** bench/results/profiles.json: the last profiled run's summaries, shown in the report of the runs that do not profile. */
export interface ProfiledRun {
  runId: string;
  commit: string;
  startedAt: string;
  mode: 'full' | 'quick';
  /** The scenarios that ran (not those skipped). */
  scenarios: string[];
  services: string[];
  profiles: ServiceProfile[];
}
