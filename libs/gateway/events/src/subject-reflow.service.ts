import { Inject, Injectable } from '@nestjs/common';
import { isId } from '@hookstream/contracts';
import { ApiError } from '@hookstream/gateway-http';
import { EventReflowService } from './event-reflow.service';
import { GATEWAY_EVENTS_SETTINGS, GatewayEventsSettings } from './gateway-events-settings';
import { ReflowRunner } from './reflow-runner';
import { reflowView } from './reflow-views';
import { ReflowRepository } from './reflow.repository';

/**
 * Reflows by subject: how many events they hold is known only by asking
 * projection, and may be thousands, so they are bounded and planned within
 * the request, then queued and run in the background (ReflowRunner).
 */
@Injectable()
export class SubjectReflowService {
  constructor(
    private readonly reflow: EventReflowService,
    private readonly reflows: ReflowRepository,
    private readonly runner: ReflowRunner,
    @Inject(GATEWAY_EVENTS_SETTINGS) private readonly settings: GatewayEventsSettings,
  ) {}

  /** Queued: 404 when no subject has an event, 422 reflow_too_large above the bound, 429 when the tenant has too many unfinished. */
  async start(tenantId: string, subjectIds: readonly string[], workflowIds: readonly string[] | undefined) {
    await this.reflow.requireWorkflows(tenantId, workflowIds);
    const plan = await this.reflow.planSubjects(tenantId, subjectIds);
    const row = await this.reflows.create(
      { tenantId, subjects: plan.subjects, withoutEvents: plan.withoutEvents, events: plan.events, workflowIds },
      this.settings.reflow.maxUnfinishedPerTenant,
    );
    if (row === 'too_many') throw new ApiError(429, 'too_many_requests', ['too_many_reflows']);
    void this.runner.claim();
    return reflowView(this.settings.publicBaseUrl, row);
  }

  /** The tenant's reflow; a malformed id, or another tenant's, is a 404. */
  async progress(tenantId: string, id: string) {
    const row = isId('rfl', id) ? await this.reflows.find(tenantId, id) : undefined;
    if (!row) throw new ApiError(404, 'not_found');
    return reflowView(this.settings.publicBaseUrl, row);
  }
}
