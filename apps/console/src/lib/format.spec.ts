import { formatDuration, formatRate, formatRelative, formatTimestamp } from './format';

describe('console formatting', () => {
  it('writes a timestamp to the second, in UTC when asked, and a dash for nothing', () => {
    expect(formatTimestamp('2026-05-26T10:00:07.120Z', 'utc')).toBe('2026-05-26 10:00:07 UTC');
    expect(formatTimestamp(null)).toBe('—');
    expect(formatTimestamp('not a date')).toBe('—');
    expect(formatTimestamp('2026-05-26T10:00:07.120Z')).toMatch(/^2026-05-2[5-7] \d\d:\d\d:07$/);
  });

  it('writes durations in the unit a person reads', () => {
    expect(formatDuration(0)).toBe('0 ms');
    expect(formatDuration(849.6)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(59_949)).toBe('59.9 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(300_000)).toBe('5 min');
    expect(formatDuration(7_800_000)).toBe('2 h 10 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });

  it('writes times relative to now, either way', () => {
    const now = Date.parse('2026-05-26T10:00:00Z');
    expect(formatRelative('2026-05-26T10:00:05Z', now)).toBe('in 5 s');
    expect(formatRelative('2026-05-26T09:57:00Z', now)).toBe('3 min ago');
    expect(formatRelative('2026-05-26T10:00:00.400Z', now)).toBe('now');
    expect(formatRelative('2026-05-26T13:00:00Z', now)).toBe('in 3 h');
    expect(formatRelative('2026-05-20T10:00:00Z', now)).toBe('6 d ago');
    expect(formatRelative(undefined, now)).toBe('—');
  });

  it('writes rates as percentages, clamped, and a dash when there were no attempts', () => {
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0.9951)).toBe('99.5%');
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(1.5)).toBe('100%');
    expect(formatRate(null)).toBe('—');
  });
});
