import { eventSourceInput, readWith } from '@hookstream/contracts';
// Not named like a .ts module: require() would pick the .json first.
import seed from './event-types.seed.json';
import type { ConditionInput, ReadResult } from './workflow-input';

/** One row of the event_types table: an event type and its source. */
export interface EventTypeRow {
  source_id: string;
  source_display_name: string;
  source_description: string;
  event_id: string;
  display_name: string;
  description: string;
}

/** GET /workflows/event-types shape. */
export interface EventSourceView {
  id: string;
  display_name: string;
  description: string;
  events: { id: string; display_name: string; description: string }[];
}

/** The seed catalog (every source and type Checkout.com documents, in event-types.seed.json), as table rows. */
export function seedEventTypeRows(): EventTypeRow[] {
  return (seed as EventSourceView[]).flatMap(eventSourceRows);
}

/** Rows -> sources with their events, in row order. */
export function eventTypeCatalogView(rows: readonly EventTypeRow[]): EventSourceView[] {
  const sources = new Map<string, EventSourceView>();
  for (const row of rows) {
    let source = sources.get(row.source_id);
    if (!source) {
      source = { id: row.source_id, display_name: row.source_display_name, description: row.source_description, events: [] };
      sources.set(row.source_id, source);
    }
    source.events.push({ id: row.event_id, display_name: row.display_name, description: row.description });
  }
  return [...sources.values()];
}

/**
 * An operator's addition to the catalog, read with the contract's schema
 * (eventSourceInput): one source and event types of it, in the GET
 * /workflows/event-types shape, display names defaulted to the ids.
 */
export function readEventSourceInput(body: unknown): ReadResult<EventSourceView> {
  return readWith(eventSourceInput, body);
}

/** A source with its events -> table rows. */
export function eventSourceRows(source: EventSourceView): EventTypeRow[] {
  return source.events.map((event) => ({
    source_id: source.id,
    source_display_name: source.display_name,
    source_description: source.description,
    event_id: event.id,
    display_name: event.display_name,
    description: event.description,
  }));
}

/** Which (source, type) pairs exist. */
export class EventTypeCatalog {
  private readonly keys: Set<string>;
  private readonly sourceOfType = new Map<string, string>();

  constructor(rows: readonly EventTypeRow[]) {
    this.keys = new Set(rows.map((r) => `${r.source_id}\u0000${r.event_id}`));
    for (const r of rows) if (!this.sourceOfType.has(r.event_id)) this.sourceOfType.set(r.event_id, r.source_id);
  }

  has(source: string, type: string): boolean {
    return this.keys.has(`${source}\u0000${type}`);
  }

  /** The source an event type belongs to (MyCashflow topics name only the type). */
  sourceOf(type: string): string | undefined {
    return this.sourceOfType.get(type);
  }

  /** ['event_type_unknown'] if an event condition names a type the catalog lacks. */
  check(conditions: readonly ConditionInput[]): string[] {
    const unknown = conditions.some(
      (c) => c.type === 'event' && Object.entries(c.events).some(([source, types]) => types.some((t) => !this.has(source, t))),
    );
    return unknown ? ['event_type_unknown'] : [];
  }
}
