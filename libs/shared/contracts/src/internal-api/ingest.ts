import { z } from 'zod';
import { internalRoute } from './route';

/** event-ingest's internal routes: producer events over HTTP, for the tenant in the caller's credential. */
export const IngestApi = {
  /** POST one event: 202 IngestOneAnswer. */
  events: internalRoute('internal/events'),
  /** POST an array of events: 202 IngestBatchAnswer. */
  batch: internalRoute('internal/events/batch'),
  /**
   * POST an array of events, each judged on its own as if POSTed alone to
   * `events` (the gateway's concurrent single-event requests, in one call):
   * 200 IngestEachAnswer, a result per event in order. Errors that are not
   * one event's (503, a body that is no array) answer for the whole call.
   */
  each: internalRoute('internal/events/each'),
} as const;

export interface IngestOneAnswer {
  /** The evt_ id (the original one for a repeated producer id). */
  id: string;
  ids: string[];
}

export interface IngestBatchAnswer {
  ids: string[];
}

/** One event's outcome in IngestApi.each: what `events` would have answered for it alone. */
export const IngestEachResult = z.discriminatedUnion('status', [
  z.object({ status: z.literal(202), body: z.object({ id: z.string(), ids: z.array(z.string()) }) }),
  z.object({ status: z.literal(422), body: z.record(z.string(), z.unknown()) }),
]);
export type IngestEachResult = z.infer<typeof IngestEachResult>;

export const IngestEachAnswer = z.object({ results: z.array(IngestEachResult) });
export type IngestEachAnswer = z.infer<typeof IngestEachAnswer>;
