import { CanonicalEvent, ConditionRegistry, conditionsHold as conditionsOfWorkflowHold, isDeliverable, WorkflowSetFingerprint, WorkflowState } from '@hookstream/contracts';

export interface MatchOptions {
  /** Only these workflows (reflow and test requests name them). */
  workflowIds?: Iterable<string>;
}

/** Does every condition of the workflow hold for the event? Absent condition types do not restrict. */
export function conditionsHold(workflow: WorkflowState, event: CanonicalEvent): boolean {
  return conditionsOfWorkflowHold(workflow.conditions, event);
}

/** What an index holds, as instances and workflow-config compare it. */
export interface IndexSummary {
  workflows: number;
  fingerprint: string;
}

/** Stands for "no condition of this kind": the workflow takes every value. */
const ANY = '\u0000any';
/**
 * A workflow is filed under every (event type, entity) pair it names; past
 * this many pairs it is filed under its event types alone, and its entity
 * condition is checked on lookup instead.
 */
const MAX_PAIRS_PER_WORKFLOW = 1024;

/**
 * The two conditions the index files by, outer and inner, with the keys
 * their registry entries give; any other condition is checked with its
 * holds on the workflows found.
 */
const OUTER = ConditionRegistry.event;
const INNER = ConditionRegistry.entity;

type EntityBuckets = Map<string, Set<string>>;

/**
 * The matcher's in-memory view of every deliverable workflow, filed by
 * tenant, then (source, type), then entity, so that an event meets only the
 * workflows that name its type and its entity (or that leave either open):
 * the cost of a match does not grow with the workflows that cannot match.
 */
export class WorkflowIndex {
  private readonly workflows = new Map<string, WorkflowState>();
  /** tenant -> event key (or ANY) -> entity (or ANY) -> workflow ids */
  private readonly byTenant = new Map<string, Map<string, EntityBuckets>>();
  private readonly indexed = new WorkflowSetFingerprint();

  get size(): number {
    return this.workflows.size;
  }

  get(workflowId: string): WorkflowState | undefined {
    return this.workflows.get(workflowId);
  }

  /** The config topic's latest state for a workflow (null: deleted) replaces what was indexed. */
  apply(workflowId: string, state: WorkflowState | null): void {
    this.remove(workflowId);
    if (state === null || !isDeliverable(state)) return;
    this.workflows.set(workflowId, state);
    this.indexed.add(workflowId, state.version);
    const events = this.byTenantOf(state.tenant_id);
    for (const [event, entity] of filingOf(state)) {
      let entities = events.get(event);
      if (!entities) events.set(event, (entities = new Map()));
      let ids = entities.get(entity);
      if (!ids) entities.set(entity, (ids = new Set()));
      ids.add(workflowId);
    }
  }

  /** Workflows whose conditions all hold for the event, each once. */
  match(event: CanonicalEvent, options: MatchOptions = {}): WorkflowState[] {
    if (options.workflowIds) {
      const named = [...new Set(options.workflowIds)].map((id) => this.workflows.get(id));
      return named.filter((w): w is WorkflowState => w !== undefined && w.tenant_id === event.tenant_id && conditionsHold(w, event));
    }
    const events = this.byTenant.get(event.tenant_id);
    if (!events) return [];
    const matched = new Set<WorkflowState>();
    const outerKey = OUTER.index.keyOf(event);
    const innerKey = INNER.index.keyOf(event);
    for (const key of outerKey === null ? [ANY] : [outerKey, ANY]) {
      const entities = events.get(key);
      if (!entities) continue;
      for (const ids of [entities.get(ANY), innerKey === null ? undefined : entities.get(innerKey)]) {
        for (const id of ids ?? []) {
          const workflow = this.workflows.get(id);
          if (workflow && conditionsHold(workflow, event)) matched.add(workflow);
        }
      }
    }
    return [...matched];
  }

  /**
   * A digest of what is indexed (each workflow's id and version): two
   * matchers that read the same config topic agree on it, and
   * workflow-config computes it the same way of what they should hold.
   */
  fingerprint(): string {
    return this.indexed.toString();
  }

  /** Count and fingerprint with some workflows left out (those the config topic cannot carry the latest of). */
  summary(leftOut: Iterable<string> = []): IndexSummary {
    const kept = this.indexed.copy();
    for (const id of new Set(leftOut)) {
      const workflow = this.workflows.get(id);
      if (workflow) kept.remove(id, workflow.version);
    }
    return { workflows: kept.size, fingerprint: kept.toString() };
  }

  private remove(workflowId: string): void {
    const previous = this.workflows.get(workflowId);
    if (!previous) return;
    this.workflows.delete(workflowId);
    this.indexed.remove(workflowId, previous.version);
    const events = this.byTenant.get(previous.tenant_id);
    if (!events) return;
    for (const [event, entity] of filingOf(previous)) {
      const entities = events.get(event);
      const ids = entities?.get(entity);
      ids?.delete(workflowId);
      if (ids?.size === 0) entities?.delete(entity);
      if (entities?.size === 0) events.delete(event);
    }
    if (events.size === 0) this.byTenant.delete(previous.tenant_id);
  }

  private byTenantOf(tenantId: string): Map<string, EntityBuckets> {
    let events = this.byTenant.get(tenantId);
    if (!events) this.byTenant.set(tenantId, (events = new Map()));
    return events;
  }
}

/** The (outer key, inner key) pairs a workflow is filed under. */
function filingOf(state: WorkflowState): [string, string][] {
  const outer = state.conditions.find((c) => c.type === 'event');
  const inner = state.conditions.find((c) => c.type === 'entity');
  const outerKeys = outer?.type === 'event' ? OUTER.index.keysOf(outer) : [ANY];
  let innerKeys = inner?.type === 'entity' ? INNER.index.keysOf(inner) : [ANY];
  if (outerKeys.length * innerKeys.length > MAX_PAIRS_PER_WORKFLOW) innerKeys = [ANY];
  return outerKeys.flatMap((o) => innerKeys.map((i): [string, string] => [o, i]));
}
