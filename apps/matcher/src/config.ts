import { z } from 'zod';
import { CommonEnv, InternalApiEnv, KafkaEnv, loadConfigOrExit, port } from '@hookstream/config';
import { MAX_JOB_BYTES } from '@hookstream/matching-domain';

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
  });
export type MatcherConfig = z.infer<typeof MatcherEnv>;

export const loadMatcherConfig = (): MatcherConfig => loadConfigOrExit(MatcherEnv);
