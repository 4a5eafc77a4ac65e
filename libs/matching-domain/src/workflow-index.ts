import type { CanonicalEvent, WorkflowState } from '@hookstream/contracts';

const ANY_EVENT = '\u0000any';

/** Does every condition of the workflow hold for the event? Absent condition types do not restrict. */
export function conditionsHold(workflow: WorkflowState, event: CanonicalEvent): boolean {
  for (const condition of workflow.conditions) {
    switch (condition.type) {
      case 'event':
        if (!(condition.events[event.source] ?? []).includes(event.type)) return false;
        break;
      case 'entity':
        if (event.entity_id === null || !condition.entities.includes(event.entity_id)) return false;
        break;
      case 'processing_channel':
        if (event.processing_channel_id === null || !condition.processing_channels.includes(event.processing_channel_id)) return false;
        break;
    }
  }
  return true;
}

/** A workflow can produce jobs only while active and with at least one enabled action. */
export function isDeliverable(workflow: WorkflowState): boolean {
  return workflow.active && workflow.actions.some((a) => a.disabled_at === null);
}

function eventKey(source: string, type: string): string {
  return `${source}\u0000${type}`;
}

/**
 * The matcher's in-memory view of every deliverable workflow, indexed by
 * tenant and (source, type), so that an event only meets the workflows that
 * name its type (plus the few with no event condition): the cost of a match
 * does not grow with the workflows that cannot match.
 */
export class WorkflowIndex {
  private readonly workflows = new Map<string, WorkflowState>();
  /** tenant -> event key (or ANY_EVENT) -> workflow ids */
  private readonly byTenant = new Map<string, Map<string, Set<string>>>();

  get size(): number {
    return this.workflows.size;
  }

  get(workflowId: string): WorkflowState | undefined {
    return this.workflows.get(workflowId);
  }

  /** The config topic's latest state for a workflow: replaces what was indexed. */
  apply(workflowId: string, state: WorkflowState | null): void {
    this.remove(workflowId);
    if (state === null || !isDeliverable(state)) return;
    this.workflows.set(workflowId, state);
    for (const key of this.keysOf(state)) this.bucket(state.tenant_id, key).add(workflowId);
  }

  /** Workflows whose conditions all hold, optionally only among the given ids. */
  match(event: CanonicalEvent, onlyWorkflowIds?: ReadonlySet<string>): WorkflowState[] {
    const buckets = this.byTenant.get(event.tenant_id);
    if (!buckets) return [];
    const matched: WorkflowState[] = [];
    for (const key of [eventKey(event.source, event.type), ANY_EVENT]) {
      for (const id of buckets.get(key) ?? []) {
        if (onlyWorkflowIds && !onlyWorkflowIds.has(id)) continue;
        const workflow = this.workflows.get(id);
        if (workflow && conditionsHold(workflow, event)) matched.push(workflow);
      }
    }
    return matched;
  }

  private remove(workflowId: string): void {
    const previous = this.workflows.get(workflowId);
    if (!previous) return;
    this.workflows.delete(workflowId);
    const buckets = this.byTenant.get(previous.tenant_id);
    for (const key of this.keysOf(previous)) {
      const bucket = buckets?.get(key);
      bucket?.delete(workflowId);
      if (bucket?.size === 0) buckets?.delete(key);
    }
    if (buckets?.size === 0) this.byTenant.delete(previous.tenant_id);
  }

  private keysOf(state: WorkflowState): string[] {
    const condition = state.conditions.find((c) => c.type === 'event');
    if (!condition || condition.type !== 'event') return [ANY_EVENT];
    return Object.entries(condition.events).flatMap(([source, types]) => types.map((type) => eventKey(source, type)));
  }

  private bucket(tenantId: string, key: string): Set<string> {
    let buckets = this.byTenant.get(tenantId);
    if (!buckets) this.byTenant.set(tenantId, (buckets = new Map()));
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = new Set()));
    return bucket;
  }
}
