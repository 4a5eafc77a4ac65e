import { z } from 'zod';
import { CanonicalEvent, CloudEventEnvelope, ProducerEvent, ProducerFieldLimits } from '@hookstream/contracts';
import type { KnownEventTypes } from './event-catalog';
import { DEFAULT_MAX_DEPTH, findShapeProblem, findUnfitIdentifier } from './event-shape';

/** A producer's event, whichever envelope it came in, before it has an evt_ id. */
export interface AcceptedProducerEvent {
  producerId: string | null;
  tenantId: string;
  source: string;
  type: string;
  subjectId: string;
  entityId: string | null;
  processingChannelId: string | null;
  timestamp: string | null;
  version: string;
  data: Record<string, unknown>;
  webhookUrl: string | null;
  extraMetadata: Record<string, unknown>;
}

export interface RejectedProducerEvent {
  /** Machine-readable, for HTTP 422 error_codes. */
  codes: string[];
  /** For people: dead-letter reason headers and logs. */
  reason: string;
}

export type ProducerEventResult = { ok: true; event: AcceptedProducerEvent } | ({ ok: false } & RejectedProducerEvent);

export interface ReadOptions {
  /** The tenant the HTTP caller authenticated as: it wins over any in the body. */
  tenantId?: string;
  /** Kafka producers that send no tenant get this one, when configured. */
  defaultTenantId?: string;
  /**
   * CloudEvents sources are URIs; workflow conditions name catalog sources.
   * This maps one to the other (e.g. CAF's orchestrations URI -> "transactions").
   * Sources not listed are kept as they are. Read backwards, it gives a
   * plain envelope's catalog source its URI (the first one listed for it),
   * which CloudEvents deliveries send as `source`.
   */
  cloudEventSources?: ReadonlyMap<string, string>;
  /**
   * Largest canonical event accepted, in bytes of JSON. A delivery job carries
   * the event plus its action, and Kafka refuses records past its
   * message.max.bytes (1 MiB by default): an event that could never be
   * produced is a rejection, not a partition blocked by retries.
   */
  maxEventBytes?: number;
  /** Deepest nesting of objects and arrays accepted, the event itself being level 1. */
  maxDepth?: number;
  /** When given, source and type must be one of its pairs (after the CloudEvents source mapping). */
  knownEventTypes?: KnownEventTypes;
}

export const DEFAULT_MAX_EVENT_BYTES = 256 * 1024;
const DEFAULT_VERSION = '1.0.0';

/**
 * Metadata keys the platform sets itself: a producer may not forge a test
 * flag, a producer id or the original CloudEvents source, and the URL
 * override is spelled `metadata.webhookUrl` on the way in.
 */
const RESERVED_METADATA = ['webhook_url', 'producer_id', 'test', 'cloudevents_source'] as const;

/**
 * Reads a producer envelope or a CloudEvents 1.0 envelope (told apart by
 * `specversion`) into one shape, or says precisely what is wrong with it.
 */
export function readProducerEvent(input: unknown, options: ReadOptions = {}): ProducerEventResult {
  if (!isRecord(input)) return reject(['body_invalid'], 'the event must be a JSON object');
  // First, before anything recurses into it or copies its strings.
  const shape = findShapeProblem(input, options.maxDepth ?? DEFAULT_MAX_DEPTH);
  if (shape) return reject([shape.code], shape.reason);
  const result = Object.hasOwn(input, 'specversion') ? readCloudEvent(input, options) : readEnvelope(input, options);
  if (!result.ok) return result;
  const { source, type } = result.event;
  if (options.knownEventTypes && !options.knownEventTypes.has(source, type)) {
    return reject(['event_type_unknown'], `event type unknown: source ${JSON.stringify(source)} has no type ${JSON.stringify(type)} in the catalog`);
  }
  return withinSizeLimit(result.event, options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES);
}

/** JSON bytes from Kafka: invalid JSON is a reason too. */
export function readProducerBytes(bytes: Buffer | null, options: ReadOptions = {}): ProducerEventResult {
  if (bytes === null || bytes.length === 0) return reject(['body_invalid'], 'empty message');
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return reject(['body_invalid'], `invalid JSON: ${(err as Error).message}`);
  }
  return readProducerEvent(json, options);
}

type Mapped = { ok: true; event: AcceptedProducerEvent } | ({ ok: false } & RejectedProducerEvent);

function readEnvelope(input: object, options: ReadOptions): Mapped {
  const parsed = ProducerEvent.safeParse(input);
  if (!parsed.success) return fromIssues(parsed.error);
  const e = parsed.data;
  const unfit = findUnfitIdentifier([
    ['id', e.id, ProducerFieldLimits.id],
    ['source', e.source, ProducerFieldLimits.source],
    ['type', e.type, ProducerFieldLimits.type],
    ['tenant', e.tenant, ProducerFieldLimits.tenant],
    ['subject_id', e.subject_id, ProducerFieldLimits.subjectId],
    ['entity_id', e.entity_id, ProducerFieldLimits.entityId],
    ['processing_channel_id', e.processing_channel_id, ProducerFieldLimits.processingChannelId],
    ['version', e.version, ProducerFieldLimits.version],
    ['metadata.webhookUrl', e.metadata?.webhookUrl, ProducerFieldLimits.webhookUrl],
  ]);
  if (unfit) return reject([unfit.code], unfit.reason);
  const tenantId = options.tenantId || e.tenant || options.defaultTenantId;
  if (!tenantId) return reject(['tenant_required'], 'tenant missing: set `tenant` or configure INGEST_DEFAULT_TENANT');
  const { webhookUrl, ...producerMetadata } = e.metadata ?? {};
  const reserved = RESERVED_METADATA.filter((key) => Object.hasOwn(producerMetadata, key));
  if (reserved.length > 0) {
    return reject(
      reserved.map((key) => `metadata_${key}_reserved`),
      `metadata.${reserved.join(', metadata.')}: set by the platform${reserved.includes('webhook_url') ? ' (the URL override is metadata.webhookUrl)' : ''}`,
    );
  }
  return {
    ok: true,
    event: {
      producerId: e.id ?? null,
      tenantId,
      source: e.source,
      type: e.type,
      subjectId: e.subject_id,
      entityId: e.entity_id ?? null,
      processingChannelId: e.processing_channel_id ?? null,
      timestamp: e.timestamp ?? null,
      version: e.version ?? DEFAULT_VERSION,
      data: e.data,
      webhookUrl: webhookUrl ?? null,
      extraMetadata: { ...producerMetadata, ...sourceUriMetadata(e.source, options.cloudEventSources) },
    },
  };
}

/** The first CloudEvents source URI mapped onto this catalog source, as metadata; none when no URI maps to it. */
function sourceUriMetadata(catalogSource: string, cloudEventSources: ReadonlyMap<string, string> | undefined): { cloudevents_source?: string } {
  for (const [uri, source] of cloudEventSources ?? []) if (source === catalogSource) return { cloudevents_source: uri };
  return {};
}

function readCloudEvent(input: object, options: ReadOptions): Mapped {
  const parsed = CloudEventEnvelope.safeParse(input);
  if (!parsed.success) return fromIssues(parsed.error);
  const ce = parsed.data;
  const tenantId = options.tenantId || ce.tenant || options.defaultTenantId;
  if (!tenantId) return reject(['tenant_required'], 'tenant missing: set the `tenant` extension attribute or configure INGEST_DEFAULT_TENANT');
  const data = cloudEventData(ce);
  // CAF puts the per-transaction callback in data.metadata.webhookUrl; the extension attribute works too.
  const nestedMetadata = Object.hasOwn(data, 'metadata') ? data.metadata : undefined;
  const nestedUrl = isRecord(nestedMetadata) && Object.hasOwn(nestedMetadata, 'webhookUrl') && typeof nestedMetadata.webhookUrl === 'string' ? nestedMetadata.webhookUrl : undefined;
  const webhookUrl = ce.webhookurl ?? nestedUrl;
  if (webhookUrl !== undefined && !z.string().url().safeParse(webhookUrl).success) {
    return reject(['metadata_webhook_url_invalid'], 'data.metadata.webhookUrl: must be an absolute URL');
  }
  // CAF's events carry no `subject`: the transaction is what they are about.
  const transactionId = Object.hasOwn(data, 'transactionId') && typeof data.transactionId === 'string' && data.transactionId !== '' ? data.transactionId : undefined;
  const subject = ce.subject ?? transactionId;
  if (!subject) return reject(['subject_id_required'], 'subject: required (or data.transactionId)');
  const unfit = findUnfitIdentifier([
    ['id', ce.id, ProducerFieldLimits.id],
    ['source', ce.source, ProducerFieldLimits.cloudEventSource],
    ['type', ce.type, ProducerFieldLimits.type],
    ['tenant', ce.tenant, ProducerFieldLimits.tenant],
    [ce.subject === undefined ? 'data.transactionId' : 'subject', subject, ProducerFieldLimits.subjectId],
    ['entityid', ce.entityid, ProducerFieldLimits.entityId],
    ['processingchannelid', ce.processingchannelid, ProducerFieldLimits.processingChannelId],
    [ce.webhookurl === undefined ? 'data.metadata.webhookUrl' : 'webhookurl', webhookUrl, ProducerFieldLimits.webhookUrl],
  ]);
  if (unfit) return reject([unfit.code], unfit.reason);
  return {
    ok: true,
    event: {
      producerId: ce.id,
      tenantId,
      source: options.cloudEventSources?.get(ce.source) ?? ce.source,
      type: ce.type,
      subjectId: subject,
      entityId: ce.entityid || null,
      processingChannelId: ce.processingchannelid || null,
      timestamp: ce.time ?? null,
      version: DEFAULT_VERSION,
      data,
      webhookUrl: webhookUrl ?? null,
      extraMetadata: { cloudevents_source: ce.source },
    },
  };
}

/** Canonical data is an object: other JSON values and binary data are wrapped. */
function cloudEventData(ce: CloudEventEnvelope): Record<string, unknown> {
  if (ce.data === undefined) return typeof ce.data_base64 === 'string' ? { data_base64: ce.data_base64 } : {};
  return isRecord(ce.data) ? ce.data : { value: ce.data };
}

/** The canonical event the rest of the platform sees. */
export function toCanonicalEvent(event: AcceptedProducerEvent, id: string, receivedAt: Date): CanonicalEvent {
  return {
    id,
    tenant_id: event.tenantId,
    source: event.source,
    type: event.type,
    subject_id: event.subjectId,
    entity_id: event.entityId,
    processing_channel_id: event.processingChannelId,
    timestamp: event.timestamp ?? receivedAt.toISOString(),
    version: event.version,
    data: event.data,
    metadata: {
      ...event.extraMetadata,
      ...(event.webhookUrl ? { webhook_url: event.webhookUrl } : {}),
      ...(event.producerId ? { producer_id: event.producerId } : {}),
    },
    received_at: receivedAt.toISOString(),
  };
}

// Same lengths as the real id and receipt time, so the measured size is exact.
const SIZING_ID = `evt_${'a'.repeat(26)}`;
const SIZING_TIME = new Date(0);

function withinSizeLimit(event: AcceptedProducerEvent, maxBytes: number): ProducerEventResult {
  const canonicalBytes = Buffer.byteLength(JSON.stringify(toCanonicalEvent(event, SIZING_ID, SIZING_TIME)));
  if (canonicalBytes > maxBytes) return reject(['event_too_large'], `the event is ${canonicalBytes} bytes as JSON; at most ${maxBytes} are accepted`);
  return { ok: true, event };
}

function fromIssues(error: z.ZodError): { ok: false } & RejectedProducerEvent {
  const codes = new Set<string>();
  const reasons: string[] = [];
  for (const issue of error.issues) {
    const field = issue.path.filter((p) => typeof p === 'string').join('_').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() || 'body';
    const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
    codes.add(`${field}_${missing ? 'required' : 'invalid'}`);
    reasons.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return reject([...codes], reasons.join('; '));
}

function reject(codes: string[], reason: string): { ok: false } & RejectedProducerEvent {
  return { ok: false, codes, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
