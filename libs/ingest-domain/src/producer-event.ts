import { z } from 'zod';
import { CanonicalEvent, CloudEventEnvelope, ProducerEvent } from '@hookstream/contracts';

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
   */
  cloudEventSources?: Readonly<Record<string, string>>;
}

const DEFAULT_VERSION = '1.0.0';

/**
 * Reads a producer envelope or a CloudEvents 1.0 envelope (told apart by
 * `specversion`) into one shape, or says precisely what is wrong with it.
 */
export function readProducerEvent(input: unknown, options: ReadOptions = {}): ProducerEventResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return reject(['body_invalid'], 'the event must be a JSON object');
  }
  return 'specversion' in input ? readCloudEvent(input, options) : readEnvelope(input, options);
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

function readEnvelope(input: object, options: ReadOptions): ProducerEventResult {
  const parsed = ProducerEvent.safeParse(input);
  if (!parsed.success) return fromIssues(parsed.error);
  const e = parsed.data;
  const tenantId = options.tenantId ?? e.tenant ?? options.defaultTenantId;
  if (!tenantId) return reject(['tenant_required'], 'tenant missing: set `tenant` or configure INGEST_DEFAULT_TENANT');
  const { webhookUrl, ...extraMetadata } = e.metadata ?? {};
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
      extraMetadata,
    },
  };
}

function readCloudEvent(input: object, options: ReadOptions): ProducerEventResult {
  const parsed = CloudEventEnvelope.safeParse(input);
  if (!parsed.success) return fromIssues(parsed.error);
  const ce = parsed.data;
  const tenantId = options.tenantId ?? ce.tenant ?? options.defaultTenantId;
  if (!tenantId) return reject(['tenant_required'], 'tenant missing: set the `tenant` extension attribute or configure INGEST_DEFAULT_TENANT');
  const data = ce.data === undefined ? {} : isRecord(ce.data) ? ce.data : { value: ce.data };
  // CAF puts the per-transaction callback in data.metadata.webhookUrl; the extension attribute works too.
  const nestedUrl = isRecord(data.metadata) && typeof data.metadata.webhookUrl === 'string' ? data.metadata.webhookUrl : undefined;
  const webhookUrl = ce.webhookurl ?? nestedUrl;
  if (webhookUrl !== undefined && !z.string().url().safeParse(webhookUrl).success) {
    return reject(['webhook_url_invalid'], 'metadata.webhookUrl: must be an absolute URL');
  }
  const subject = ce.subject ?? (typeof data.transactionId === 'string' ? data.transactionId : undefined);
  if (!subject) return reject(['subject_id_required'], 'subject: required (or data.transactionId)');
  return {
    ok: true,
    event: {
      producerId: ce.id,
      tenantId,
      source: options.cloudEventSources?.[ce.source] ?? ce.source,
      type: ce.type,
      subjectId: subject,
      entityId: ce.entityid ?? null,
      processingChannelId: ce.processingchannelid ?? null,
      timestamp: ce.time ?? null,
      version: DEFAULT_VERSION,
      data,
      webhookUrl: webhookUrl ?? null,
      extraMetadata: { cloudevents_source: ce.source },
    },
  };
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

function fromIssues(error: z.ZodError): ProducerEventResult {
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

function reject(codes: string[], reason: string): ProducerEventResult {
  return { ok: false, codes, reason };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
