import { Get } from '@nestjs/common';
import { MatcherApi, type WorkflowIndexAnswer } from '@hookstream/contracts';
import { InternalController } from '@hookstream/service-runtime';
import { WorkflowIndexLoader } from './workflow-index.loader';

/**
 * Internal: what this matcher instance holds. Instances that read the same
 * config topic answer the same fingerprint; one that differs is stale.
 */
@InternalController()
export class WorkflowIndexController {
  constructor(private readonly loader: WorkflowIndexLoader) {}

  @Get(MatcherApi.workflowIndex.pattern)
  describe(): WorkflowIndexAnswer {
    return this.loader.describe();
  }
}
