import { z } from 'zod';
import { CommonEnv, KafkaEnv, loadConfigOrExit, port } from '@hookstream/config';

export const MatcherEnv = CommonEnv
  .extend(KafkaEnv.shape)
  .extend({
    PORT: port(3003),
    MATCHER_GROUP_ID: z.string().min(1).default('matcher'),
  });
export type MatcherConfig = z.infer<typeof MatcherEnv>;

export const loadMatcherConfig = (): MatcherConfig => loadConfigOrExit(MatcherEnv);
