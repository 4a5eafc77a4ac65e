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
  groupId: string;
  /** CloudEvents source URI -> catalog source name. */
  cloudEventSources: Record<string, string>;
}

export const INGEST_SETTINGS = Symbol('INGEST_SETTINGS');
