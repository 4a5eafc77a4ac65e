import { DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@hookstream/contracts';
import type { Logger } from '@hookstream/logging';
import { MatchingPipelineModule } from '@hookstream/matching-pipeline';
import { MessagingModule } from '@hookstream/messaging';
import { InternalAuthModule, ServiceRuntimeModule } from '@hookstream/service-runtime';
import type { MatcherConfig } from './config';

@Module({})
export class MatcherModule {
  static register(config: MatcherConfig, logger: Logger): DynamicModule {
    return {
      module: MatcherModule,
      imports: [
        ServiceRuntimeModule.forRoot({ service: 'matcher', logger }),
        InternalAuthModule.forService(config, 'matcher'),
        MessagingModule.forService(config, { service: 'matcher', topics: [Topics.events, Topics.workflowConfig, Topics.reflowRequests, Topics.deliveryJobs], deadLetter: Topics.matcherRejected }),
        MatchingPipelineModule.forRoot({ groupId: config.MATCHER_GROUP_ID, maxJobBytes: config.MATCHER_MAX_JOB_BYTES }),
      ],
    };
  }
}
