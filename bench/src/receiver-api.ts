import type { LatencySummary } from './stats';

/** How an endpoint (a path on any of the receiver's ports) answers. */
export interface EndpointBehaviour {
  mode: 'ok' | 'fail' | 'delay' | 'blackhole';
  /** For fail: the status to answer (500 unless told). */
  status?: number;
  /** For delay: how long before answering 200. */
  delayMs?: number;
}

export interface PathStats {
  path: string;
  requests: number;
  /** Distinct webhook-ids: what was delivered, whatever the retries. */
  unique: number;
  /** Requests held open (black-holed), never answered. */
  held: number;
  firstAt: number;
  lastAt: number;
}

export interface ReceiverStats {
  requests: number;
  unique: number;
  duplicates: number;
  held: number;
  firstAt: number;
  lastAt: number;
  /** Producer timestamp (data.sent_at_ms) to arrival, first arrival of each webhook-id. */
  latency: LatencySummary;
  paths: PathStats[];
  /** Arrival times (epoch ms) of first arrivals, ascending, when asked for. */
  arrivals?: number[];
  /** Every latency `latency` summarizes, unordered, when asked for: to pool several phases' samples. */
  latencies?: number[];
}

/** Counts only, cheap enough to poll while deliveries pour in. */
export interface ReceiverCounts {
  unique: number;
  requests: number;
  held: number;
  /** Requests not answered yet (delayed or black-holed), now. */
  open: number;
}

export interface TimelineBucket {
  /** Start of the bucket, epoch ms. */
  t: number;
  count: number;
  p99: number;
}

/** What the receiver prints as its first stdout line once it listens. */
export interface ReceiverReady {
  control: number;
  endpoint: number;
}
