import { BadRequestException, Body, Controller, Headers, HttpCode, Inject, Post, UnprocessableEntityException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AcceptedProducerEvent, readProducerEvent } from '@hookstream/ingest-domain';
import { EventIngestor } from './event-ingestor';
import { INGEST_SETTINGS, IngestSettings } from './ingest-settings';

export const TENANT_HEADER = 'x-hookstream-tenant';
/** The gateway's request id, echoed in error bodies so a 422 can be traced. */
const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Internal HTTP ingest. The gateway authenticates the caller and passes the
 * tenant in x-hookstream-tenant; this port is for the internal network only.
 */
@ApiExcludeController()
@Controller('internal/events')
export class IngestController {
  constructor(
    private readonly ingestor: EventIngestor,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
  ) {}

  @Post()
  @HttpCode(202)
  async one(
    @Headers(TENANT_HEADER) tenantId: string | undefined,
    @Headers(REQUEST_ID_HEADER) requestId: string | undefined,
    @Body() body: unknown,
  ): Promise<{ id: string; ids: string[] }> {
    const [event] = this.read([body], requireTenant(tenantId), requestId);
    const ids = await this.ingestor.ingest([event]);
    return { id: ids[0], ids };
  }

  @Post('batch')
  @HttpCode(202)
  async batch(
    @Headers(TENANT_HEADER) tenantId: string | undefined,
    @Headers(REQUEST_ID_HEADER) requestId: string | undefined,
    @Body() body: unknown,
  ): Promise<{ ids: string[] }> {
    const tenant = requireTenant(tenantId);
    if (!Array.isArray(body) || body.length === 0) throw invalid(requestId, ['events_required'], 'the body must be a non-empty array of events');
    if (body.length > this.settings.httpBatchLimit) {
      throw invalid(requestId, ['batch_too_large'], `at most ${this.settings.httpBatchLimit} events per batch`);
    }
    return { ids: await this.ingestor.ingest(this.read(body, tenant, requestId)) };
  }

  /** All or nothing: one invalid event rejects the request, naming each problem by index. */
  private read(bodies: unknown[], tenantId: string, requestId: string | undefined): AcceptedProducerEvent[] {
    const accepted: AcceptedProducerEvent[] = [];
    const codes = new Set<string>();
    const details: string[] = [];
    bodies.forEach((body, i) => {
      const result = readProducerEvent(body, { tenantId, cloudEventSources: this.settings.cloudEventSources, maxEventBytes: this.settings.maxEventBytes });
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
}

function requireTenant(tenantId: string | undefined): string {
  if (!tenantId) throw new BadRequestException({ error_type: 'tenant_missing', error_codes: ['tenant_required'] });
  return tenantId;
}

function invalid(requestId: string | undefined, codes: string[], details: string): UnprocessableEntityException {
  return new UnprocessableEntityException({ ...(requestId ? { request_id: requestId } : {}), error_type: 'request_invalid', error_codes: codes, details });
}
