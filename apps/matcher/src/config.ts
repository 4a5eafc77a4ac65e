import { z } from 'zod';
import { CommonEnv, InternalApiEnv, KafkaEnv, loadConfigOrExit, port } from '@hookstream/config';
import { MAX_JOB_BYTES } from '@hookstream/matching-domain';
import type { IndexCheckSettings } from '@hookstream/matching-pipeline';

export const MatcherEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend(InternalApiEnv.shape)
  .extend({
    PORT: port(3003),
    /**
     * Consumer group of the events (and, suffixed -reflow, of the reflow
     * requests); KAFKA_TOPIC_PREFIX is put in front. Each instance reads the
     * config topic under a group of its own, <prefix><this>-index-<random>.
     */
    MATCHER_GROUP_ID: z.string().min(1).default('matcher'),
    /** A job larger than this (the event with its action) is dead-lettered; keep it under the broker's message.max.bytes. */
    MATCHER_MAX_JOB_BYTES: z.coerce.number().int().min(65_536).max(MAX_JOB_BYTES).default(MAX_JOB_BYTES),
    /** Where the index is compared with the workflows it should hold. */
    WORKFLOW_CONFIG_URL: z.string().url().default('http://127.0.0.1:3001'),
    /** How often the index is compared with workflow-config while they agree; 0: never (the index is then only as good as the config topic). */
    MATCHER_INDEX_CHECK_MS: z.coerce.number().int().min(0).default(15_000),
    /** How long the index may disagree with workflow-config (a change on its way) before the matcher is not ready. */
    MATCHER_INDEX_DRIFT_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
  });
export type MatcherConfig = z.infer<typeof MatcherEnv>;
export const loadMatcherConfig = (): MatcherConfig => loadConfigOrExit(MatcherEnv);

export function indexCheckOf(config: MatcherConfig): IndexCheckSettings | undefined {
  if (config.MATCHER_INDEX_CHECK_MS === 0) return undefined;
  return { workflowConfigUrl: config.WORKFLOW_CONFIG_URL.replace(/\/+$/, ''), everyMs: config.MATCHER_INDEX_CHECK_MS, graceMs: config.MATCHER_INDEX_DRIFT_GRACE_MS };
}
