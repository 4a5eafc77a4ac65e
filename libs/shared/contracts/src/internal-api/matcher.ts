import { z } from 'zod';
import { internalRoute } from './route';

/** The matcher's internal route: what one instance's index holds. */
export const MatcherApi = {
  /** GET: WorkflowIndexAnswer; no tenant. */
  workflowIndex: internalRoute('internal/workflow-index'),
} as const;

/** Instances that read the same config topic answer the same fingerprint; one that differs is stale. */
export const WorkflowIndexAnswer = z.object({ loaded: z.boolean(), workflows: z.number().int().nonnegative(), fingerprint: z.string() });
export type WorkflowIndexAnswer = z.infer<typeof WorkflowIndexAnswer>;
