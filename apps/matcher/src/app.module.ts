import { Topics } from '@hookstream/contracts';
import { MatchingPipelineModule } from '@hookstream/matching-pipeline';
import { MessagingModule } from '@hookstream/messaging';
import type { ModuleImport } from '@hookstream/service-runtime';
import { indexCheckOf, type MatcherConfig } from './config';

/** matcher's own modules; runService adds the runtime and internal-call credentials (serviceRoot). */
export const matcherModules = (config: MatcherConfig): ModuleImport[] => [
  MessagingModule.forService(config, { service: 'matcher', topics: [Topics.events, Topics.workflowConfig, Topics.reflowRequests, Topics.deliveryJobs], deadLetter: Topics.matcherRejected }),
  MatchingPipelineModule.forRoot({ groupId: config.MATCHER_GROUP_ID, maxJobBytes: config.MATCHER_MAX_JOB_BYTES, indexCheck: indexCheckOf(config) }),
];
