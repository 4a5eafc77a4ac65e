import type { WorkflowHistoryPage } from '@hookstream/contracts';
import { pageLinks } from '@hookstream/gateway-http';

/** GET /workflows/{id}/history: workflow-config's page of entries, with the links of the events API's pages. */
export function workflowHistoryView(base: string, workflowId: string, page: WorkflowHistoryPage, limit?: string) {
  return { data: page.data, _links: pageLinks(base, `/workflows/${encodeURIComponent(workflowId)}/history`, page.next_cursor, limit) };
}
