import { CanonicalEvent, newId, WorkflowState } from '@hookstream/contracts';

/** A catalog source as workflow-config's GET /internal/event-types lists it. */
export interface CatalogSource {
  id: string;
  events: { id: string }[];
}

/** Subject ids look like the resource each source is about. */
const SUBJECT_PREFIX: Record<string, string> = { gateway: 'pay_', dispute: 'dsp_', authentication: 'sid_', orders: 'ord_', transactions: 'txn_' };

/**
 * The synthetic events POST /workflows/{id}/test sends: one per listed type,
 * flagged as a test in data and metadata, shaped to pass every condition of
 * the workflow (its entity and processing channel included), so that its
 * actions receive them. 'event_types_invalid' when a type is in no catalog
 * source, or not among the types the workflow's event condition names.
 */
export function testSamples(
  workflow: WorkflowState,
  catalog: readonly CatalogSource[],
  eventTypes: readonly string[],
  now: Date,
): { ok: true; events: CanonicalEvent[] } | { ok: false; code: 'event_types_invalid' } {
  const eventCondition = workflow.conditions.find((c) => c.type === 'event');
  const entity = workflow.conditions.find((c) => c.type === 'entity');
  const channel = workflow.conditions.find((c) => c.type === 'processing_channel');
  const sourceOf = (type: string): string | undefined => {
    const sources = catalog.filter((s) => s.events.some((e) => e.id === type)).map((s) => s.id);
    if (!eventCondition || eventCondition.type !== 'event') return sources[0];
    return sources.find((source) => eventCondition.events[source]?.includes(type));
  };
  const events: CanonicalEvent[] = [];
  for (const type of new Set(eventTypes)) {
    const source = sourceOf(type);
    if (!source) return { ok: false, code: 'event_types_invalid' };
    const subjectId = `${SUBJECT_PREFIX[source] ?? 'tst_'}${newId('evt').slice('evt_'.length)}`;
    events.push({
      id: newId('evt'),
      tenant_id: workflow.tenant_id,
      source,
      type,
      subject_id: subjectId,
      entity_id: entity?.type === 'entity' ? entity.entities[0] : null,
      processing_channel_id: channel?.type === 'processing_channel' ? channel.processing_channels[0] : null,
      timestamp: now.toISOString(),
      version: '1.0.0',
      data: { id: subjectId, test: true, description: `Test ${type} event for workflow ${workflow.id}` },
      metadata: { test: true },
      received_at: now.toISOString(),
    });
  }
  return { ok: true, events };
}
