import { IngestApi, IngestBatchAnswer, IngestEachAnswer, IngestEachResult, IngestOneAnswer, InternalHeaders } from '@hookstream/contracts';
import { Body, Headers, HttpCode, HttpException, Inject, Post, Res, UnprocessableEntityException } from '@nestjs/common';
import type { Response } from 'express';
import { AcceptedProducerEvent, KnownEventTypes, ProducerEventResult, readProducerEvent } from '@hookstream/ingest-domain';
import type { Logger } from '@hookstream/logging';
import { CallerTenant, InternalController, SERVICE_LOGGER } from '@hookstream/service-runtime';
import { EventIngestor, IngestUnavailableError } from './event-ingestor';
import { EventTypeCatalogClient } from './event-type-catalog.client';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';

/** Seconds a caller should wait after a 503: Postgres or the catalog is back within that, or soon after. */
const RETRY_AFTER_SECONDS = '5';
/** Events in one IngestApi.each call at most: the gateway's groups are smaller; producers' batches have their own limit. */
const EACH_LIMIT = 1_000;

/**
 * Internal HTTP ingest (IngestApi). The gateway authenticates the producer;
 * the events are the tenant's that the call's service credential names.
 */
@InternalController(['gateway'])
export class IngestController {
  constructor(
    private readonly ingestor: EventIngestor,
    private readonly catalog: EventTypeCatalogClient,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(SERVICE_LOGGER) private readonly logger: Logger,
  ) {}

  @Post(IngestApi.events.pattern)
  @HttpCode(202)
  async one(
    @CallerTenant() tenantId: string,
    @Headers(InternalHeaders.requestId) requestId: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IngestOneAnswer> {
    const events = await this.read([body], tenantId, requestId, res);
    const ids = await this.ingest(events, res);
    return { id: ids[0], ids };
  }

  @Post(IngestApi.batch.pattern)
  @HttpCode(202)
  async batch(
    @CallerTenant() tenant: string,
    @Headers(InternalHeaders.requestId) requestId: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IngestBatchAnswer> {
    this.checkBatch(body, requestId, this.settings.httpBatchLimit);
    return { ids: await this.ingest(await this.read(body, tenant, requestId, res), res) };
  }

  @Post(IngestApi.each.pattern)
  @HttpCode(200)
  async each(
    @CallerTenant() tenant: string,
    @Headers(InternalHeaders.requestId) requestId: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<IngestEachAnswer> {
    this.checkBatch(body, requestId, EACH_LIMIT);
    const results = await this.judge(body, tenant, res);
    const accepted = results.flatMap((result) => (result.ok ? [result.event] : []));
    const rejected = results.length - accepted.length;
    if (rejected > 0) this.ingestor.countRejected(rejected);
    // One ingest for all of them: a producer id sent twice answers one id, both only once it is in Kafka.
    const ids = accepted.length > 0 ? await this.ingest(accepted, res) : [];
    let next = 0;
    return {
      results: results.map((result): IngestEachResult => {
        if (!result.ok) return { status: 422, body: invalid(requestId, [...new Set(result.codes)], result.reason).getResponse() as Record<string, unknown> };
        const id = ids[next++];
        return { status: 202, body: { id, ids: [id] } };
      }),
    };
  }

  private checkBatch(body: unknown, requestId: string | undefined, limit: number): asserts body is unknown[] {
    if (!Array.isArray(body) || body.length === 0) throw invalid(requestId, ['events_required'], 'the body must be a non-empty array of events');
    if (body.length > limit) throw invalid(requestId, ['batch_too_large'], `at most ${limit} events per batch`);
  }

  private async ingest(events: AcceptedProducerEvent[], res: Response): Promise<string[]> {
    try {
      return await this.ingestor.ingest(events);
    } catch (err) {
      if (!(err instanceof IngestUnavailableError)) throw err;
      this.logger.warn({ err }, 'ingest unavailable');
      throw unavailable(res, `${err.dependency}_unavailable`);
    }
  }

  /** All or nothing: one invalid event rejects the request, naming each problem by index. */
  private async read(bodies: unknown[], tenantId: string, requestId: string | undefined, res: Response): Promise<AcceptedProducerEvent[]> {
    const results = await this.judge(bodies, tenantId, res);
    const accepted: AcceptedProducerEvent[] = [];
    const codes = new Set<string>();
    const details: string[] = [];
    results.forEach((result, i) => {
      if (result.ok) accepted.push(result.event);
      else {
        result.codes.forEach((c) => codes.add(c));
        details.push(bodies.length > 1 ? `[${i}] ${result.reason}` : result.reason);
      }
    });
    if (details.length > 0) {
      this.ingestor.countRejected(details.length);
      throw invalid(requestId, [...codes], details.join('; '));
    }
    return accepted;
  }

  /** Each body read against the event-type catalog; 503 while there is none. */
  private async judge(bodies: unknown[], tenantId: string, res: Response): Promise<ProducerEventResult[]> {
    const known = this.catalog.current();
    if (!known) throw unavailable(res, 'event_type_catalog_unavailable');
    const results = this.readAll(bodies, tenantId, known);
    // A type added to the catalog since the last reload is known after one more.
    if (results.some(isUnknownType) && (await this.catalog.reloadAfterMiss())) return this.readAll(bodies, tenantId, this.catalog.current() ?? known);
    return results;
  }

  private readAll(bodies: unknown[], tenantId: string, knownEventTypes: KnownEventTypes): ProducerEventResult[] {
    const { cloudEventSources, maxEventBytes, maxDepth } = this.settings;
    return bodies.map((body) => readProducerEvent(body, { tenantId, cloudEventSources, maxEventBytes, maxDepth, knownEventTypes }));
  }
}

const isUnknownType = (result: ProducerEventResult) => !result.ok && result.codes.includes('event_type_unknown');

function invalid(requestId: string | undefined, codes: string[], details: string): UnprocessableEntityException {
  return new UnprocessableEntityException({ ...(requestId ? { request_id: requestId } : {}), error_type: 'request_invalid', error_codes: codes, details });
}

function unavailable(res: Response, code: string): HttpException {
  res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
  return new HttpException({ error_type: 'service_unavailable', error_codes: [code] }, 503);
}
