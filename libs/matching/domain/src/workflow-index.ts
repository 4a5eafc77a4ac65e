import {
  CanonicalEvent,
  ConditionInput,
  ConditionRegistry,
  conditionsHold as conditionsOfWorkflowHold,
  isDeliverable,
  WorkflowCondition,
  WorkflowSetFingerprint,
  WorkflowState,
} from '@hookstream/contracts';
import { PackedStates } from './packed-states';

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
 * Parsed states kept for the workflows matched most recently, so that a
 * workflow that keeps matching is not parsed from its bytes per event: a
 * parsed state costs ~1 KB of heap, so this bounds the cache near 1 MB
 * whatever the number of workflows.
 */
const RECENT_STATES = 1024;

/**
 * The two conditions the index files by, outer and inner, with the keys
 * their registry entries give; any other condition is checked with its
 * holds on the workflows found.
 */
const OUTER = ConditionRegistry.event;
const INNER = ConditionRegistry.entity;

/** The workflow ids of one (event key, entity) pair: most pairs hold one workflow, kept without a Set. */
type Bucket = string | Set<string>;
type EntityBuckets = Map<string, Bucket>;

/** A tenant's filing: tenant -> event key (or ANY) -> entity (or ANY) -> workflow ids. */
interface TenantFiling {
  readonly tenantId: string;
  readonly events: Map<string, EntityBuckets>;
  workflows: number;
}

/**
 * The bodies (without their ids, which no condition reads) of the conditions
 * a workflow's filing does not check by itself, one object for every
 * workflow that has the same.
 */
interface UncheckedConditions {
  readonly bodies: readonly ConditionInput[];
  readonly key: string;
  users: number;
}

/** What the index keeps of a workflow on the heap; its whole state is in its packed bytes. */
interface Filed {
  readonly tenant: TenantFiling;
  readonly version: number;
  /** null: the filing checks every condition. */
  readonly unchecked: UncheckedConditions | null;
  place: number;
  readonly bytes: number;
}

/**
 * The matcher's in-memory view of every deliverable workflow, filed by
 * tenant, then (source, type), then entity, so that an event meets only the
 * workflows that name its type and its entity (or that leave either open):
 * the cost of a match does not grow with the workflows that cannot match.
 *
 * Held compactly for 100,000 workflows and more: each workflow's state is
 * kept as its JSON bytes off the V8 heap, parsed back when it matches (the
 * recently matched kept parsed). On the heap stay the filing, each
 * workflow's version, and only the conditions the filing does not check by
 * itself, shared between the workflows that have the same.
 */
export class WorkflowIndex {
  private readonly workflows = new Map<string, Filed>();
  private readonly byTenant = new Map<string, TenantFiling>();
  private readonly uncheckedShapes = new Map<string, UncheckedConditions>();
  private readonly states = new PackedStates();
  /** Parsed states, least recently used first. */
  private readonly recent = new Map<string, WorkflowState>();
  private readonly indexed = new WorkflowSetFingerprint();

  get size(): number {
    return this.workflows.size;
  }

  get(workflowId: string): WorkflowState | undefined {
    const filed = this.workflows.get(workflowId);
    return filed && this.stateOf(workflowId, filed);
  }

  /** The config topic's latest state for a workflow (null: deleted) replaces what was indexed. */
  apply(workflowId: string, state: WorkflowState | null): void {
    this.remove(workflowId);
    if (state === null || !isDeliverable(state)) return;
    const tenant = this.enterTenant(state.tenant_id);
    const { pairs, unchecked } = filingOf(state.conditions);
    const { place, bytes } = this.states.put(JSON.stringify(state));
    this.workflows.set(workflowId, { tenant, version: state.version, unchecked: this.share(unchecked), place, bytes });
    this.indexed.add(workflowId, state.version);
    for (const [event, entity] of pairs) {
      let entities = tenant.events.get(event);
      if (!entities) tenant.events.set(event, (entities = new Map()));
      const ids = entities.get(entity);
      if (ids === undefined) entities.set(entity, workflowId);
      else if (typeof ids === 'string') entities.set(entity, new Set([ids, workflowId]));
      else ids.add(workflowId);
    }
  }

  /** Workflows whose conditions all hold for the event, each once. */
  match(event: CanonicalEvent, options: MatchOptions = {}): WorkflowState[] {
    if (options.workflowIds) {
      const named: WorkflowState[] = [];
      for (const id of new Set(options.workflowIds)) {
        const filed = this.workflows.get(id);
        if (!filed || filed.tenant.tenantId !== event.tenant_id) continue;
        const state = this.stateOf(id, filed);
        if (conditionsHold(state, event)) named.push(state);
      }
      return named;
    }
    const events = this.byTenant.get(event.tenant_id)?.events;
    if (!events) return [];
    const matched: WorkflowState[] = [];
    const meet = (id: string) => {
      const filed = this.workflows.get(id) as Filed;
      if (filed.unchecked === null || conditionsOfWorkflowHold(filed.unchecked.bodies, event)) matched.push(this.stateOf(id, filed));
    };
    // A workflow is filed under one of these outer keys and one of these inner keys at most: each is met once.
    const outerKey = OUTER.index.keyOf(event);
    const innerKey = INNER.index.keyOf(event);
    for (const key of outerKey === null || outerKey === ANY ? [ANY] : [outerKey, ANY]) {
      const entities = events.get(key);
      if (!entities) continue;
      for (const ids of [entities.get(ANY), innerKey === null || innerKey === ANY ? undefined : entities.get(innerKey)]) {
        if (typeof ids === 'string') meet(ids);
        else ids?.forEach(meet);
      }
    }
    return matched;
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
      const filed = this.workflows.get(id);
      if (filed) kept.remove(id, filed.version);
    }
    return { workflows: kept.size, fingerprint: kept.toString() };
  }

  /** The state as applied: parsed from its bytes (trusted: written here from a decoded state) unless parsed recently. */
  private stateOf(workflowId: string, filed: Filed): WorkflowState {
    let state = this.recent.get(workflowId);
    if (state) {
      this.recent.delete(workflowId);
    } else {
      state = JSON.parse(this.states.read(filed.place, filed.bytes)) as WorkflowState;
      if (this.recent.size >= RECENT_STATES) this.recent.delete(this.recent.keys().next().value as string);
    }
    this.recent.set(workflowId, state);
    return state;
  }

  private remove(workflowId: string): void {
    const previous = this.workflows.get(workflowId);
    if (!previous) return;
    // Where it was filed is read again from its state: not worth keeping on the heap for a change that is rare.
    const { pairs } = filingOf(this.stateOf(workflowId, previous).conditions);
    this.workflows.delete(workflowId);
    this.recent.delete(workflowId);
    this.states.free(previous.place, previous.bytes);
    this.indexed.remove(workflowId, previous.version);
    const { events } = previous.tenant;
    for (const [event, entity] of pairs) {
      const entities = events.get(event);
      const ids = entities?.get(entity);
      if (ids === workflowId) entities?.delete(entity);
      else if (typeof ids === 'object' && ids.delete(workflowId) && ids.size === 1) entities?.set(entity, ids.values().next().value as string);
      if (entities?.size === 0) events.delete(event);
    }
    if (--previous.tenant.workflows === 0) this.byTenant.delete(previous.tenant.tenantId);
    if (previous.unchecked && --previous.unchecked.users === 0) this.uncheckedShapes.delete(previous.unchecked.key);
    if (this.states.wasted > Math.max(this.states.live, REPACK_MIN_WASTE)) this.repack();
  }

  /** Packs every state again once more than half the bytes held are freed: each byte moved stands for a byte freed. */
  private repack(): void {
    for (const filed of this.workflows.values()) filed.place = this.states.move(filed.place, filed.bytes);
  }

  /** The tenant's filing, with one more workflow counted in it. */
  private enterTenant(tenantId: string): TenantFiling {
    let filing = this.byTenant.get(tenantId);
    if (!filing) this.byTenant.set(tenantId, (filing = { tenantId, events: new Map(), workflows: 0 }));
    filing.workflows++;
    return filing;
  }

  private share(conditions: readonly WorkflowCondition[]): UncheckedConditions | null {
    if (conditions.length === 0) return null;
    const bodies = conditions.map(({ id, ...body }): ConditionInput => body);
    const key = JSON.stringify(bodies);
    let shared = this.uncheckedShapes.get(key);
    if (!shared) this.uncheckedShapes.set(key, (shared = { bodies, key, users: 0 }));
    shared.users++;
    return shared;
  }
}

/** Repacking moves every state: not worth it for less than a few slabs' worth of freed bytes. */
const REPACK_MIN_WASTE = 4 * 1024 * 1024;

/**
 * The (outer key, inner key) pairs a workflow is filed under, and the
 * conditions that being found under one of them does not prove: those not
 * filed by, those whose keys are not exact (or would be taken for ANY), and
 * the entity condition of a workflow filed under its event types alone.
 */
function filingOf(conditions: readonly WorkflowCondition[]): { pairs: [string, string][]; unchecked: WorkflowCondition[] } {
  const unchecked = new Set<WorkflowCondition>(conditions.filter((c) => c.type !== 'event' && c.type !== 'entity'));
  const outer = conditions.find((c) => c.type === 'event');
  const inner = conditions.find((c) => c.type === 'entity');
  const outerKeys = outer?.type === 'event' ? OUTER.index.keysOf(outer) : [ANY];
  let innerKeys = inner?.type === 'entity' ? INNER.index.keysOf(inner) : [ANY];
  if (outer?.type === 'event' && (!OUTER.index.exact(outer) || outerKeys.includes(ANY))) unchecked.add(outer);
  if (inner?.type === 'entity' && (!INNER.index.exact(inner) || innerKeys.includes(ANY))) unchecked.add(inner);
  if (outerKeys.length * innerKeys.length > MAX_PAIRS_PER_WORKFLOW) {
    innerKeys = [ANY];
    if (inner) unchecked.add(inner);
  }
  return { pairs: outerKeys.flatMap((o) => innerKeys.map((i): [string, string] => [o, i])), unchecked: conditions.filter((c) => unchecked.has(c)) };
}
