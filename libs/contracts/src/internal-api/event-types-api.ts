import { z } from 'zod';

/**
 * workflow-config's GET /internal/event-types: the event-type catalog by
 * source. event-ingest reads it to refuse events no workflow could name.
 */
export const EventTypeCatalogAnswer = z.array(
  z.object({
    id: z.string(),
    display_name: z.string(),
    description: z.string(),
    events: z.array(z.object({ id: z.string(), display_name: z.string(), description: z.string() })),
  }),
);
export type EventTypeCatalogAnswer = z.infer<typeof EventTypeCatalogAnswer>;

export const EVENT_TYPES_PATH = '/internal/event-types';
