// How the console writes times, durations and rates: one place, so every page agrees.

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2026-05-26 10:00:00` in the browser's zone (or UTC); `—` for nothing or nonsense. */
export function formatTimestamp(iso: string | null | undefined, zone: 'local' | 'utc' = 'local'): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const utc = zone === 'utc';
  const [y, mo, day, h, mi, s] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()]
    : [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()];
  return `${y}-${pad(mo)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(s)}${utc ? ' UTC' : ''}`;
}

/** `850 ms`, `1.2 s`, `3 min 5 s`, `2 h 10 min`; `—` when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.round(ms / 100) / 10).toString()} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    const s = totalSeconds % 60;
    return `${Math.floor(totalSeconds / 60)} min${s ? ` ${s} s` : ''}`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  const m = totalMinutes % 60;
  return `${Math.floor(totalMinutes / 60)} h${m ? ` ${m} min` : ''}`;
}

/** `in 5 s`, `3 min ago`, `now`: a time relative to `now` (ms since the epoch). */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const at = new Date(iso).getTime();
  if (Number.isNaN(at)) return '—';
  const diff = at - now;
  if (Math.abs(diff) < 1000) return 'now';
  const span = compactSpan(Math.abs(diff));
  return diff > 0 ? `in ${span}` : `${span} ago`;
}

function compactSpan(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.floor(h / 24)} d`;
}

/** A 0..1 rate as `99.5%`; `—` when there is none (no attempts). */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  const percent = Math.round(Math.min(1, Math.max(0, rate)) * 1000) / 10;
  return `${percent}%`;
}
