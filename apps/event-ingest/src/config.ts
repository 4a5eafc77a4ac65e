import { z } from 'zod';
import { CommonEnv, DatabaseEnv, databaseUrl, InternalApiEnv, KafkaEnv, loadConfigOrExit, port, positiveInt } from '@hookstream/config';
import { isUnfitIdentifier, ProducerFieldLimits, Topics, TopicSpec } from '@hookstream/contracts';
import type { IngestSettings } from '@hookstream/ingest-pipeline';
import { MAX_REQUEST_BYTES } from '@hookstream/messaging';

export const EventIngestEnv = CommonEnv.extend(KafkaEnv.shape)
  .extend(DatabaseEnv.shape)
  .extend(InternalApiEnv.shape)
  .extend({
    EVENT_INGEST_DATABASE_URL: databaseUrl,
    PORT: port(3002),
    /**
     * Inbound topics, comma-separated; replaces the default (list it too to keep it).
     * KAFKA_TOPIC_PREFIX applies to every name, as to every other topic.
     */
    INGEST_TOPICS: z
      .string()
      .default(Topics.producerEvents.name)
      .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^[a-zA-Z0-9._-]+$/, 'topic names: letters, digits, . _ -')).min(1, 'needs at least one topic')),
    /** It lands in the dedup ledger and every event: printable, as a producer's tenant must be. */
    INGEST_DEFAULT_TENANT: z.string().min(1).max(ProducerFieldLimits.tenant).refine((t) => !isUnfitIdentifier(t), 'no control characters or lone surrogates').optional(),
    INGEST_DEDUP_WINDOW_HOURS: positiveInt(72),
    INGEST_HTTP_BATCH_LIMIT: positiveInt(500),
    /** Largest canonical event in JSON bytes; a delivery job (event + action) must stay under Kafka's 1 MiB. */
    INGEST_MAX_EVENT_BYTES: z.coerce.number().int().positive().max(MAX_REQUEST_BYTES, 'an event must fit one publish request').default(256 * 1024),
    /** Deepest nesting of objects and arrays in an event (the event itself is level 1); downstream code recurses that deep. */
    INGEST_MAX_DEPTH: z.coerce.number().int().min(2).max(256).default(32),
    /** workflow-config: its event-type catalog decides which source and type an event may have. */
    WORKFLOW_CONFIG_URL: z.string().url().default('http://127.0.0.1:3001'),
    /** How often the cached event-type catalog is reloaded (an unknown type also reloads it, at most every 5 s). */
    INGEST_CATALOG_REFRESH_MS: positiveInt(30_000),
    /** Consumer group of the inbound topics; KAFKA_TOPIC_PREFIX is put in front, so side-by-side deployments stay apart. */
    INGEST_GROUP_ID: z.string().min(1).default('event-ingest'),
    /** JSON object: CloudEvents source URI -> catalog source. CAF's own source maps to "transactions". */
    INGEST_CLOUDEVENT_SOURCES: z
      .string()
      .default(JSON.stringify({ 'https://api.public.caf.io/v1/orchestrations': 'transactions' }))
      .transform((s, ctx) => {
        try {
          return JSON.parse(s) as unknown;
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be a JSON object of strings' });
          return z.NEVER;
        }
      })
      .pipe(z.record(z.string(), z.string()))
      .transform((sources) => new Map(Object.entries(sources))),
  });
export type EventIngestConfig = z.infer<typeof EventIngestEnv>;

export const loadEventIngestConfig = (): EventIngestConfig => loadConfigOrExit(EventIngestEnv);

export function ingestSettings(config: EventIngestConfig): IngestSettings {
  return {
    inboundTopics: config.INGEST_TOPICS.map((name): TopicSpec => ({ ...Topics.producerEvents, name })),
    defaultTenantId: config.INGEST_DEFAULT_TENANT,
    dedupWindowHours: config.INGEST_DEDUP_WINDOW_HOURS,
    httpBatchLimit: config.INGEST_HTTP_BATCH_LIMIT,
    maxEventBytes: config.INGEST_MAX_EVENT_BYTES,
    maxDepth: config.INGEST_MAX_DEPTH,
    workflowConfigUrl: config.WORKFLOW_CONFIG_URL.replace(/\/+$/, ''),
    catalogRefreshMs: config.INGEST_CATALOG_REFRESH_MS,
    groupId: config.INGEST_GROUP_ID,
    cloudEventSources: config.INGEST_CLOUDEVENT_SOURCES,
  };
}
