// The endpoint-health chart: one bar per 5-minute bucket, its height the attempts, its failed part marked.

export interface HealthBucket {
  from: string;
  attempts: number;
  succeeded: number;
  p95_ms: number | null;
}

export interface Bar {
  x: number;
  width: number;
  /** The whole bar (attempts) and, from the bottom, its succeeded part. */
  y: number;
  height: number;
  okY: number;
  okHeight: number;
  title: string;
}

export function healthBars(series: readonly HealthBucket[], width: number, height: number): Bar[] {
  if (series.length === 0) return [];
  const most = Math.max(1, ...series.map((b) => b.attempts));
  const slot = width / series.length;
  const gap = Math.min(4, slot * 0.2);
  return series.map((b, i) => {
    const h = (Math.max(0, b.attempts) / most) * height;
    const ok = (Math.min(Math.max(0, b.succeeded), Math.max(0, b.attempts)) / most) * height;
    return {
      x: i * slot + gap / 2,
      width: slot - gap,
      y: height - h,
      height: h,
      okY: height - ok,
      okHeight: ok,
      title: `${b.from}: ${b.attempts} attempts, ${b.succeeded} succeeded${b.p95_ms !== null ? `, p95 ${Math.round(b.p95_ms)} ms` : ''}`,
    };
  });
}
