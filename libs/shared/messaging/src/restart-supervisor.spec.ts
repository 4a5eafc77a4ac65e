import { systemClock } from './clock';
import { RestartSupervisor } from './restart-supervisor';

describe('RestartSupervisor', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('is ready until a partition failed more than stuckAfterAttempts times at one offset, and says where', () => {
    const supervisor = new RestartSupervisor(3, systemClock);
    for (let i = 0; i < 3; i++) supervisor.failed('t', 2, '40', '49', true);
    expect(supervisor.stuckError()).toBeUndefined();
    jest.advanceTimersByTime(12_000);
    supervisor.failed('t', 2, '40', '45', true);
    expect(supervisor.stuckError()?.message).toBe('stuck at topic t partition 2 offset 40 after 4 tries (12 s)');
  });

  it('counts a re-read that starts earlier but holds the same offset as another try of it', () => {
    const supervisor = new RestartSupervisor(1, systemClock);
    supervisor.failed('t', 0, '10', '19', false);
    supervisor.failed('t', 0, '0', '19', false);
    expect(supervisor.stuckError()?.message).toMatch(/offset 10 after 2 tries/);
    expect(supervisor.handlingFailuresWithin('t', 0, '5', '12')).toBe(2);
    expect(supervisor.handlingFailuresWithin('t', 0, '11', '12')).toBe(0);
  });

  it('starts counting afresh at another offset', () => {
    const supervisor = new RestartSupervisor(1, systemClock);
    supervisor.failed('t', 0, '10', '19', false);
    supervisor.failed('t', 0, '20', '29', false);
    expect(supervisor.stuckError()).toBeUndefined();
  });

  it('turns ready again once the partition moves past the offset, not before', () => {
    const supervisor = new RestartSupervisor(1, systemClock);
    supervisor.failed('t', 0, '10', '19', true);
    supervisor.failed('t', 0, '10', '19', true);
    supervisor.movedTo('t', 0, '10');
    expect(supervisor.stuckError()).toBeDefined();
    supervisor.movedTo('t', 0, '11');
    expect(supervisor.stuckError()).toBeUndefined();
  });

  it('counts only the messages’ fault towards narrowing a batch down', () => {
    const supervisor = new RestartSupervisor(10, systemClock);
    supervisor.failed('t', 0, '10', '19', true);
    supervisor.failed('t', 0, '10', '19', false);
    expect(supervisor.handlingFailuresWithin('t', 0, '10', '19')).toBe(1);
  });

  it('forgets partitions this member no longer owns', () => {
    const supervisor = new RestartSupervisor(0, systemClock);
    supervisor.failed('t', 0, '1', '1', true);
    supervisor.failed('t', 1, '1', '1', true);
    supervisor.keepOnly((_, partition) => partition === 1);
    expect(supervisor.stuckError()?.message).toMatch(/partition 1 /);
    supervisor.keepOnly(() => false);
    expect(supervisor.stuckError()).toBeUndefined();
  });
});
