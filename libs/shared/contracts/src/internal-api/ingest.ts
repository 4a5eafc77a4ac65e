import { internalRoute } from './route';

/** event-ingest's internal routes: producer events over HTTP, for the tenant in the caller's credential. */
export const IngestApi = {
  /** POST one event: 202 IngestOneAnswer. */
  events: internalRoute('internal/events'),
  /** POST an array of events: 202 IngestBatchAnswer. */
  batch: internalRoute('internal/events/batch'),
} as const;

export interface IngestOneAnswer {
  /** The evt_ id (the original one for a repeated producer id). */
  id: string;
  ids: string[];
}

export interface IngestBatchAnswer {
  ids: string[];
}
