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
  SubjectEventCounts,
  SubjectEventCountsQuery,
  WorkflowConfigApi,
  WorkflowListAnswer,
  WorkflowStateAnswer,
} from '@hookstream/contracts';
import { ApiError, InternalHttpClient } from '@hookstream/gateway-http';
import { KafkaConnection } from '@hookstream/messaging';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings, PROJECTION_CLIENT, WORKFLOW_CONFIG_CLIENT } from './gateway-events-settings';
import { checkEventReflow, countCap, planSubjectReflow, ReflowRefusal, SubjectReflowPlan } from './reflow-plan';
import { testSamples } from './test-samples';

/** Events read from projection, and published, per round trip. */
export const REFLOW_PAGE = 200;

const refusal = (r: ReflowRefusal): ApiError => new ApiError(r.status, r.errorType, r.status === 422 ? [r.code] : undefined);

/**
 * Reflow and test: stored (or synthetic) events are published as reflow
 * requests, one per event keyed by subject, for the matcher to match again.
 * Events are read from projection a page at a time and each page is
 * published before the next is read, so a subject with thousands of events
 * is never held whole. The matcher reads reflows in a consumer group of their
 * own, so live events keep flowing meanwhile. Reflows by event ids run here,
 * within the request; by subjects, ReflowRunner runs them in the background
 * through subjectPage and publish.
 */
@Injectable()
export class EventReflowService {
  constructor(
    @Inject(PROJECTION_CLIENT) private readonly projection: InternalHttpClient,
    @Inject(WORKFLOW_CONFIG_CLIENT) private readonly workflowConfig: InternalHttpClient,
    private readonly kafka: KafkaConnection,
    @Inject(GATEWAY_EVENTS_SETTINGS) private readonly settings: GatewayEventsSettings,
  ) {}

  /**
   * Number of events sent again; 0 means none of them is stored for this
   * tenant. One event per id at most: refused at once above the bound.
   */
  async reflowEvents(tenantId: string, eventIds: readonly string[], workflowIds?: readonly string[]): Promise<number> {
    const checked = checkEventReflow(eventIds, this.settings.reflow);
    if (!checked.ok) throw refusal(checked);
    let sent = 0;
    for (let i = 0; i < checked.eventIds.length; i += REFLOW_PAGE) {
      const ids = checked.eventIds.slice(i, i + REFLOW_PAGE);
      const stored = await this.projection.read('GET', ProjectionApi.eventsByIds.path({}, { ids: ids.join(',') }), StoredEvents, { tenantId });
      sent += await this.publish(tenantId, stored.events, workflowIds);
    }
    return sent;
  }

  /** A subject reflow's plan from projection's counts: refused (404, 422) before anything is queued. */
  async planSubjects(tenantId: string, subjectIds: readonly string[]): Promise<Extract<SubjectReflowPlan, { ok: true }>> {
    const unique = [...new Set(subjectIds)];
    const { counts } = await this.projection.read('POST', ProjectionApi.subjectEventCounts.path(), SubjectEventCounts, {
      tenantId,
      body: { subject_ids: unique, cap: countCap(this.settings.reflow) } satisfies SubjectEventCountsQuery,
    });
    const plan = planSubjectReflow(unique, counts, this.settings.reflow);
    if (!plan.ok) throw refusal(plan);
    return plan;
  }

  /** A page of a subject's events, newest first; undefined once the subject has none (retention may remove them meanwhile). */
  async subjectPage(tenantId: string, subjectId: string, cursor: string | null, limit: number): Promise<StoredEventPage | undefined> {
    const path = ProjectionApi.subjectEvents.path({ subjectId }, { limit, cursor: cursor ?? undefined });
    return this.projection.find('GET', path, StoredEventPage, { tenantId });
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

  /** Publishes the events as reflow requests, one per event keyed by its subject; the number published. */
  async publish(tenantId: string, events: readonly CanonicalEvent[], workflowIds?: readonly string[]): Promise<number> {
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
