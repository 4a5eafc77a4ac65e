import { Inject, Injectable } from '@nestjs/common';
import {
  CanonicalEvent,
  Topics,
  EventTypeCatalogAnswer,
  IdPrefix,
  newId,
  ProjectionApi,
  ReflowRequest,
  StoredEventPage,
  StoredEvents,
  WorkflowConfigApi,
  WorkflowListAnswer,
  WorkflowStateAnswer,
} from '@hookstream/contracts';
import { ApiError, InternalHttpClient } from '@hookstream/gateway-http';
import { KafkaConnection } from '@hookstream/messaging';
import { PROJECTION_CLIENT, WORKFLOW_CONFIG_CLIENT } from './gateway-events-settings';
import { testSamples } from './test-samples';

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
      const stored = await this.projection.read('GET', ProjectionApi.eventsByIds.path({}, { ids: ids.join(',') }), StoredEvents, { tenantId });
      sent += await this.publish(tenantId, stored.events, workflowIds);
    }
    return sent;
  }

  /** Number of events sent again; 0 means none of the subjects has a stored event for this tenant. */
  async reflowSubjects(tenantId: string, subjectIds: readonly string[], workflowIds?: readonly string[]): Promise<number> {
    let sent = 0;
    for (const subjectId of new Set(subjectIds)) {
      let cursor: string | null = null;
      do {
        const path = ProjectionApi.subjectEvents.path({ subjectId }, { limit: REFLOW_PAGE, cursor: cursor ?? undefined });
        const page: StoredEventPage | undefined = await this.projection.find('GET', path, StoredEventPage, { tenantId });
        if (!page) break;
        sent += await this.publish(tenantId, page.events, workflowIds);
        cursor = page.next_cursor;
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
    const listed = await this.workflowConfig.read('GET', WorkflowConfigApi.workflows.path(), WorkflowListAnswer, { tenantId });
    const known = new Set(listed.data.map((w) => w.id));
    if (workflowIds.some((id) => !known.has(id))) throw new ApiError(404, 'not_found');
  }

  /** A synthetic sample of each type, flagged as a test, delivered through this workflow only. */
  async test(tenantId: string, workflowId: string, eventTypes: readonly string[]): Promise<void> {
    const workflow = await this.workflowConfig.find('GET', WorkflowConfigApi.workflowState.path({ id: workflowId }), WorkflowStateAnswer, { tenantId });
    if (!workflow) throw new ApiError(404, 'not_found');
    const catalog = await this.workflowConfig.read('GET', WorkflowConfigApi.eventTypes.path(), EventTypeCatalogAnswer, { tenantId });
    const samples = testSamples(workflow, catalog, eventTypes, new Date());
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
