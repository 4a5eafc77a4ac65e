import type { WorkflowEvent, WorkflowEventBody, WorkflowState } from '@hookstream/contracts';
import { sampleWorkflowState } from '@hookstream/testing';
import { fold, stamp } from '@hookstream/workflow-definition';
import { snapshotProblem } from './workflow-rebuild';

const base = sampleWorkflowState({ tenant_id: 'ten_rebuild' });
const meta = (now: string) => ({ workflow_id: base.id, tenant_id: base.tenant_id, actor: { type: 'admin' as const, id: null }, request_id: null, now: new Date(now) });

/** The workflow's events: created, then each of `bodies` stamped in turn. */
function history(...bodies: WorkflowEventBody[]): WorkflowEvent[] {
  const created = stamp(
    [{ type: 'workflow.created', data: { name: base.name, active: base.active, conditions: base.conditions, actions: base.actions, subscription: null } }],
    undefined,
    meta('2026-12-01T10:00:00.000Z'),
  );
  return bodies.reduce((events, body, i) => [...events, ...stamp([body], fold(events), meta(`2026-12-01T10:0${i + 1}:00.000Z`))], created);
}

/** As Postgres hands a stored state back: parsed JSON. */
const stored = (state: WorkflowState | undefined) => state && (JSON.parse(JSON.stringify(state)) as WorkflowState);

describe('a stored snapshot against its events', () => {
  const events = history({ type: 'workflow.renamed', data: { name: 'renamed' } }, { type: 'workflow.deactivated', data: {} });

  it('finds nothing wrong with the fold of the events, as Postgres returns it', () => {
    expect(snapshotProblem(events, stored(fold(events)))).toBeUndefined();
    expect(snapshotProblem([], undefined)).toBeUndefined();
  });

  it('tells a snapshot that differs from the one its events make', () => {
    const state = stored(fold(events))!;
    expect(snapshotProblem(events, { ...state, name: 'tampered' })).toBe('differs');
    expect(snapshotProblem(events, { ...state, version: state.version - 1 })).toBe('differs');
    expect(snapshotProblem(events, undefined)).toBe('missing');
  });

  it('tells a row kept after its workflow was deleted, and a deletion kept', () => {
    const deleted = history({ type: 'workflow.deleted', data: {} });
    expect(snapshotProblem(deleted, stored(fold(deleted.slice(0, 1))))).toBe('not_deleted');
    expect(snapshotProblem(deleted, undefined)).toBeUndefined();
  });

  it('tells the ones no rebuild can mend: a row without events, and events that do not fold', () => {
    expect(snapshotProblem([], base)).toBe('unrecorded');
    const [created, renamed] = events;
    expect(snapshotProblem([created, { ...renamed, version: 7 }], base)).toBe('corrupt_events');
    expect(snapshotProblem([renamed], undefined)).toBe('corrupt_events');
  });
});
