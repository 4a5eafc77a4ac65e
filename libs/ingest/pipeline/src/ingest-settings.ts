import type { TopicSpec } from '@hookstream/contracts';

export interface IngestSettings {
  /** Inbound producer topics (names before KAFKA_TOPIC_PREFIX). */
  inboundTopics: TopicSpec[];
  /** Tenant for Kafka producers that send none; unset means such messages are dead letters. */
  defaultTenantId?: string;
  /** A producer id seen again within this window is a duplicate. */
  dedupWindowHours: number;
  /** Most events one HTTP batch may carry. */
  httpBatchLimit: number;
  /** Largest canonical event (JSON bytes) accepted; larger ones are rejected. */
  maxEventBytes: number;
  /** Deepest nesting of objects and arrays accepted (the event is level 1); deeper ones are rejected. */
  maxDepth: number;
  /** workflow-config, whose event-type catalog decides which source and type an event may have. */
  workflowConfigUrl: string;
  /** How often the cached catalog is reloaded. */
  catalogRefreshMs: number;
  groupId: string;
  /** CloudEvents source URI -> catalog source name. */
  cloudEventSources: ReadonlyMap<string, string>;
}

export const INGEST_SETTINGS = Symbol('INGEST_SETTINGS');
