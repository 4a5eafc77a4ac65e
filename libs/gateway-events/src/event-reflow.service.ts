import { Inject, Injectable } from '@nestjs/common';
import { CanonicalEvent, IdPrefix, newId, ReflowRequest, StoredEventPage, Topics, WorkflowState } from '@hookstream/contracts';
import { ApiError, InternalHttpClient, InternalResponse, UpstreamError } from '@hookstream/gateway-auth';
import { KafkaConnection } from '@hookstream/messaging';
import { PROJECTION_CLIENT, WORKFLOW_CONFIG_CLIENT } from './gateway-events-settings';
import { CatalogSource, testSamples } from './test-samples';

/** Events read from projection, and published, per round trip. */
export const REFLOW_PAGE = 200;

/**
 * Reflow and test: stored (or synthetic) events are published as reflow
 * requests, one per event keyed by subject, for the matcher to match again.
 * Events are read from projection a page at a time and each page is
 * published before the next is read, so a subject with thousands of events
 * is never held whole. The matcher reads reflows in a consumer group of their
 * own, so live events keep flowing meanwhile.
 */
@Injectable()
export class EventReflowService {
  constructor(
    @Inject(PROJECTION_CLIENT) private readonly projection: InternalHttpClient,
    @Inject(WORKFLOW_CONFIG_CLIENT) private readonly workflowConfig: InternalHttpClient,
    private readonly kafka: KafkaConnection,
  ) {}

  /** Number of events sent again; 0 means none of them is stored for this tenant. */
  async reflowEvents(tenantId: string, eventIds: readonly string[], workflowIds?: readonly string[]): Promise<number> {
    const unique = [...new Set(eventIds)];
    let sent = 0;
    for (let i = 0; i < unique.length; i += REFLOW_PAGE) {
      const ids = unique.slice(i, i + REFLOW_PAGE);
      const res = await this.projection.call<{ events: CanonicalEvent[] }>('GET', `/internal/events?ids=${ids.map(encodeURIComponent).join(',')}`, { tenantId });
      sent += await this.publish(tenantId, res.body.events, workflowIds);
    }
    return sent;
  }

  /** Number of events sent again; 0 means none of the subjects has a stored event for this tenant. */
  async reflowSubjects(tenantId: string, subjectIds: readonly string[], workflowIds?: readonly string[]): Promise<number> {
    let sent = 0;
    for (const subjectId of new Set(subjectIds)) {
      let cursor: string | null = null;
      do {
        const path = `/internal/subjects/${encodeURIComponent(subjectId)}/events?limit=${REFLOW_PAGE}${cursor ? `&cursor=${cursor}` : ''}`;
        const res: InternalResponse<StoredEventPage> = await this.projection.request<StoredEventPage>('GET', path, { tenantId });
        if (res.status === 404) break;
        if (res.status >= 400) throw new UpstreamError(res.status, res.body);
        sent += await this.publish(tenantId, res.body.events, workflowIds);
        cursor = res.body.next_cursor;
      } while (cursor);
    }
    return sent;
  }

  /**
   * 404 unless every named workflow is the tenant's: one that does not exist
   * (or was deleted) would match nothing, and the caller would never know.
   */
  async requireWorkflows(tenantId: string, workflowIds: readonly string[] | undefined): Promise<void> {
    if (!workflowIds || workflowIds.length === 0) return;
    const res = await this.workflowConfig.call<{ data: { id: string }[] }>('GET', '/internal/api/workflows', { tenantId });
    const known = new Set(res.body.data.map((w) => w.id));
    if (workflowIds.some((id) => !known.has(id))) throw new ApiError(404, 'not_found');
  }

  /** A synthetic sample of each type, flagged as a test, delivered through this workflow only. */
  async test(tenantId: string, workflowId: string, eventTypes: readonly string[]): Promise<void> {
    const res = await this.workflowConfig.request<WorkflowState>('GET', `/internal/workflows/${encodeURIComponent(workflowId)}`, { tenantId });
    if (res.status === 404) throw new ApiError(404, 'not_found');
    if (res.status >= 400) throw new UpstreamError(res.status, res.body);
    const catalog = await this.workflowConfig.call<CatalogSource[]>('GET', '/internal/event-types', { tenantId });
    const samples = testSamples(res.body, catalog.body, eventTypes, new Date());
    if (!samples.ok) throw ApiError.invalid([samples.code]);
    await this.publish(tenantId, samples.events, [workflowId]);
  }

  private async publish(tenantId: string, events: readonly CanonicalEvent[], workflowIds?: readonly string[]): Promise<number> {
    if (events.length === 0) return 0;
    const requestedAt = new Date().toISOString();
    const requests: ReflowRequest[] = events.map((event) => ({
      request_id: newId(IdPrefix.command),
      tenant_id: tenantId,
      event,
      ...(workflowIds ? { workflow_ids: [...workflowIds] } : {}),
      requested_at: requestedAt,
    }));
    await this.kafka.publisher.publish(
      Topics.reflowRequests,
      requests.map((r) => ({ value: r })),
    );
    return requests.length;
  }
}
