import { CanonicalEvent, conditionEntry, newId, WorkflowState } from '@hookstream/contracts';

/** A catalog source as workflow-config's GET /internal/event-types lists it. */
export interface CatalogSource {
  id: string;
  events: { id: string }[];
}

/** Subject ids look like the resource each source is about. */
const SUBJECT_PREFIX = new Map([
  ['gateway', 'pay_'],
  ['dispute', 'dsp_'],
  ['authentication', 'sid_'],
  ['orders', 'ord_'],
  ['transactions', 'txn_'],
]);

function baseSample(workflow: WorkflowState, source: string, type: string, now: Date): CanonicalEvent {
  const subjectId = `${SUBJECT_PREFIX.get(source) ?? 'tst_'}${newId('evt').slice('evt_'.length)}`;
  return {
    id: newId('evt'),
    tenant_id: workflow.tenant_id,
    source,
    type,
    subject_id: subjectId,
    entity_id: null,
    processing_channel_id: null,
    timestamp: now.toISOString(),
    version: '1.0.0',
    data: { id: subjectId, test: true, description: `Test ${type} event for workflow ${workflow.id}` },
    metadata: { test: true },
    received_at: now.toISOString(),
  };
}

/** The sample changed by each condition's registry entry to pass it; null when one cannot be passed. */
function shapedByConditions(workflow: WorkflowState, sample: CanonicalEvent): CanonicalEvent | null {
  let shaped: CanonicalEvent | null = sample;
  for (const condition of workflow.conditions) {
    if (shaped === null) return null;
    shaped = conditionEntry(condition).sample(condition, shaped);
  }
  return shaped;
}

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
  const events: CanonicalEvent[] = [];
  for (const type of new Set(eventTypes)) {
    const sources = catalog.filter((s) => s.events.some((e) => e.id === type)).map((s) => s.id);
    let sample: CanonicalEvent | null = null;
    for (const source of sources) {
      sample = shapedByConditions(workflow, baseSample(workflow, source, type, now));
      if (sample) break;
    }
    if (!sample) return { ok: false, code: 'event_types_invalid' };
    events.push(sample);
  }
  return { ok: true, events };
}
