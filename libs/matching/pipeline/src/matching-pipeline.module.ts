import { DynamicModule, Module } from '@nestjs/common';
import { EventMatcherConsumer } from './event-matcher.consumer';
import { MATCHING_SETTINGS, MatchingSettings } from './matching-settings';
import { WorkflowIndexCheck } from './workflow-index.check';
import { WorkflowIndexController } from './workflow-index.controller';
import { WorkflowIndexLoader } from './workflow-index.loader';

/** The matcher's work: the workflow index (and its comparison with workflow-config), and events/reflows matched into jobs. */
@Module({})
export class MatchingPipelineModule {
  static forRoot(settings: MatchingSettings): DynamicModule {
    return {
      module: MatchingPipelineModule,
      controllers: [WorkflowIndexController],
      providers: [{ provide: MATCHING_SETTINGS, useValue: settings }, WorkflowIndexLoader, WorkflowIndexCheck, EventMatcherConsumer],
    };
  }
}
