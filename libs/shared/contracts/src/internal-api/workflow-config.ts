import { z } from 'zod';
import { WorkflowState } from '../messages/workflow';
import { internalRoute } from './route';

/**
 * workflow-config's internal routes. Every one but the catalog acts for the
 * tenant named in the caller's credential. `api/*` answer in the Workflows
 * API's shapes (secrets masked), which the gateway passes through unread.
 */
export const WorkflowConfigApi = {
  /** GET: the catalog (EventTypeCatalogAnswer). POST: an operator adds a source; no tenant. */
  eventTypes: internalRoute('internal/event-types'),
  /** GET: the full state with secrets (WorkflowStateAnswer), for the gateway's POST /workflows/{id}/test. */
  workflowState: internalRoute('internal/workflows/:id'),
  /** GET: every workflow (WorkflowListAnswer), or with ?limit&cursor a page (WorkflowListPage). POST. */
  workflows: internalRoute('internal/api/workflows'),
  /** GET, PATCH, DELETE. */
  workflow: internalRoute('internal/api/workflows/:id'),
  actions: internalRoute('internal/api/workflows/:id/actions'),
  /** PUT, DELETE. */
  action: internalRoute('internal/api/workflows/:id/actions/:actionId'),
  /** POST: re-enables an action disabled after a 410 (endpoint.enabled). */
  actionEnable: internalRoute('internal/api/workflows/:id/actions/:actionId/enable'),
  conditions: internalRoute('internal/api/workflows/:id/conditions'),
  /** PUT, DELETE. */
  condition: internalRoute('internal/api/workflows/:id/conditions/:conditionId'),
  /** GET ?limit&cursor: the workflow's history (WorkflowHistoryPage), newest first; also after it was deleted. */
  history: internalRoute('internal/api/workflows/:id/history'),
  /** GET and POST: MyCashflow subscriptions; GET pages as workflows does (SubscriptionListPage). */
  webhooks: internalRoute('internal/api/webhooks'),
  /** GET, DELETE. */
  webhook: internalRoute('internal/api/webhooks/:uuid'),
  /** GET: what the matcher's index should hold (DeliverableWorkflowsAnswer); for the matcher, no tenant. */
  deliverableWorkflows: internalRoute('internal/deliverable-workflows'),
} as const;

/**
 * GET internal/event-types: the event-type catalog by source. event-ingest
 * reads it to refuse events no workflow could name; the gateway builds test
 * samples from it.
 */
export const EventTypeCatalogAnswer = z.array(
  z.object({
    id: z.string(),
    display_name: z.string(),
    description: z.string(),
    events: z.array(z.object({ id: z.string(), display_name: z.string(), description: z.string() })),
  }),
);
export type EventTypeCatalogAnswer = z.infer<typeof EventTypeCatalogAnswer>;

/** GET internal/workflows/{id}. */
export const WorkflowStateAnswer = WorkflowState;

/** GET internal/api/workflows, as far as the gateway reads it (the ids, to check reflow's named workflows). */
export const WorkflowListAnswer = z.object({ data: z.array(z.object({ id: z.string() }).loose()) });
export type WorkflowListAnswer = z.infer<typeof WorkflowListAnswer>;

/** GET internal/api/workflows and internal/api/webhooks with ?limit or ?cursor: a page, oldest first, and the cursor of the next while more remain. */
export const WorkflowListPaging = { defaultLimit: 50, maxLimit: 500 } as const;

/** A page of workflows, in the shape of GET /workflows' entries (read as far as the gateway needs). */
export const WorkflowListPage = z.object({ data: z.array(z.object({ id: z.string() }).loose()), next_cursor: z.string().nullable() });
export type WorkflowListPage = z.infer<typeof WorkflowListPage>;

/** A page of MyCashflow subscriptions, without the user_id (the gateway adds the tenant's). */
export const SubscriptionListPage = z.object({ data: z.array(z.object({ uuid: z.string() }).loose()), next_cursor: z.string().nullable() });
export type SubscriptionListPage = z.infer<typeof SubscriptionListPage>;

/**
 * GET internal/deliverable-workflows: the workflows the matcher should have
 * indexed (isDeliverable), as a count and a fingerprint (fingerprintOf) of
 * every (id, version). `unpublished`: workflows whose latest change the
 * relay dead-lettered, so the config topic cannot carry it; both sides
 * leave them out of the comparison.
 */
export const DeliverableWorkflowsAnswer = z.object({
  workflows: z.number().int().nonnegative(),
  fingerprint: z.string(),
  unpublished: z.array(z.string()),
});
export type DeliverableWorkflowsAnswer = z.infer<typeof DeliverableWorkflowsAnswer>;
