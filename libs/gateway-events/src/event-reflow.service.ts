import { Inject, Injectable } from '@nestjs/common';
import { CanonicalEvent, Contracts, IdPrefix, newId, ReflowRequest, StoredEventPage, WorkflowState } from '@hookstream/contracts';
import { ApiError, InternalHttpClient } from '@hookstream/gateway-auth';
import { KafkaConnection } from '@hookstream/messaging';
import { PROJECTION_CLIENT, WORKFLOW_CONFIG_CLIENT } from './gateway-events-settings';

const PAGE = 200;

interface EventTypeCatalog {
  id: string;
  events: { id: string }[];
}

const SAMPLE_SUBJECT_PREFIX: Record<string, string> = { gateway: 'pay_', dispute: 'dsp_', orders: 'ord_', transactions: 'txn_' };

/**
 * Reflow and test: stored (or synthetic) events are published as reflow
 * requests, one per event keyed by subject, for the matcher to match again.
 * Subjects are streamed a page at a time, never loaded whole; the matcher
 * reads reflows in a consumer group of their own, so live events keep flowing.
 */
@Injectable()
export class EventReflowService {
  constructor(
    @Inject(PROJECTION_CLIENT) private readonly projection: InternalHttpClient,
    @Inject(WORKFLOW_CONFIG_CLIENT) private readonly workflowConfig: InternalHttpClient,
    private readonly kafka: KafkaConnection,
  ) {}

  /** Number of events sent again; 0 means nothing was found. */
  async reflowEvents(tenantId: string, eventIds: string[], workflowIds?: string[]): Promise<number> {
    let sent = 0;
    for (let i = 0; i < eventIds.length; i += PAGE) {
      const ids = eventIds.slice(i, i + PAGE);
      const res = await this.projection.call<{ events: CanonicalEvent[] }>('GET', `/internal/events?ids=${ids.map(encodeURIComponent).join(',')}`, { tenantId });
      sent += await this.publish(tenantId, res.body.events, workflowIds);
    }
    return sent;
  }

  async reflowSubjects(tenantId: string, subjectIds: string[], workflowIds?: string[]): Promise<number> {
    let sent = 0;
    for (const subjectId of subjectIds) {
      let cursor: string | null = null;
      do {
        const res: { status: number; body: StoredEventPage } = await this.projection.request<StoredEventPage>(
          'GET',
          `/internal/subjects/${encodeURIComponent(subjectId)}/events?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`,
          { tenantId },
        );
        if (res.status === 404) break;
        if (res.status >= 400) throw new ApiError(res.status, 'request_invalid');
        sent += await this.publish(tenantId, res.body.events, workflowIds);
        cursor = res.body.next_cursor;
      } while (cursor);
    }
    return sent;
  }

  /** A synthetic sample of each type, flagged as a test, delivered through this workflow only. */
  async test(tenantId: string, workflowId: string, eventTypes: string[]): Promise<void> {
    const res = await this.workflowConfig.request<WorkflowState | { workflow: WorkflowState }>('GET', `/internal/workflows/${encodeURIComponent(workflowId)}`, {
      tenantId,
    });
    if (res.status === 404) throw new ApiError(404, 'not_found');
    if (res.status >= 400) throw new ApiError(res.status, 'request_invalid');
    const workflow = 'workflow' in res.body ? res.body.workflow : res.body;
    const catalog = (await this.workflowConfig.call<EventTypeCatalog[] | { data: EventTypeCatalog[] }>('GET', '/internal/event-types', { tenantId })).body;
    const sources = Array.isArray(catalog) ? catalog : catalog.data;
    const condition = workflow.conditions.find((c) => c.type === 'event');
    const sourceOf = (type: string): string | undefined => {
      const inCatalog = sources.find((s) => s.events.some((e) => e.id === type))?.id;
      if (!inCatalog) return undefined;
      if (!condition || condition.type !== 'event') return inCatalog;
      return Object.entries(condition.events).find(([, types]) => types.includes(type))?.[0];
    };
    const resolved = eventTypes.map((type) => ({ type, source: sourceOf(type) }));
    if (resolved.some((r) => !r.source)) throw ApiError.invalid(['event_types_invalid']);
    const now = new Date().toISOString();
    const samples: CanonicalEvent[] = resolved.map(({ type, source }) => ({
      id: newId('evt'),
      tenant_id: tenantId,
      source: source ?? '',
      type,
      subject_id: `${SAMPLE_SUBJECT_PREFIX[source ?? ''] ?? 'tst_'}test${Date.now().toString(36)}`,
      entity_id: null,
      processing_channel_id: null,
      timestamp: now,
      version: '1.0.0',
      data: { test: true, description: `Test ${type} event for workflow ${workflowId}` },
      metadata: { test: true },
      received_at: now,
    }));
    await this.publish(tenantId, samples, [workflowId]);
  }

  private async publish(tenantId: string, events: CanonicalEvent[], workflowIds?: string[]): Promise<number> {
    const requestedAt = new Date().toISOString();
    const requests: ReflowRequest[] = events.map((event) => ({
      request_id: newId(IdPrefix.command),
      tenant_id: tenantId,
      event,
      ...(workflowIds ? { workflow_ids: workflowIds } : {}),
      requested_at: requestedAt,
    }));
    await this.kafka.publisher.publish(
      Contracts.reflowRequests,
      requests.map((r) => ({ key: r.event.subject_id, value: r })),
    );
    return requests.length;
  }
}
