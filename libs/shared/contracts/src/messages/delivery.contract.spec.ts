import { DeliveryJob, SettledHandoff } from './delivery';

describe('DeliveryJob.due_at', () => {
  const dueAt = DeliveryJob.shape.due_at;

  it('accepts a date a Date can hold, or none', () => {
    expect(dueAt.safeParse('2026-12-02T06:00:00.000Z').success).toBe(true);
    expect(dueAt.safeParse(undefined).success).toBe(true);
  });

  it.each(['+275760-09-13T00:00:00.000Z', '2026-13-01T00:00:00Z', '2026-12-02T25:00:00Z', 'soon', ''])('refuses %p', (value) => {
    expect(dueAt.safeParse(value).success).toBe(false);
  });
});

describe('SettledHandoff', () => {
  it('names the invocation and attempt that settled', () => {
    expect(SettledHandoff.safeParse({ invocation_id: 'ivc_aaaaaaaaaaaaaaaaaaaaaaaaaa', attempt: 2, settled_at: '2026-12-02T06:00:00.000Z' }).success).toBe(true);
    expect(SettledHandoff.safeParse({ invocation_id: 'ivc_aaaaaaaaaaaaaaaaaaaaaaaaaa', attempt: 0, settled_at: '2026-12-02T06:00:00.000Z' }).success).toBe(false);
  });
});
