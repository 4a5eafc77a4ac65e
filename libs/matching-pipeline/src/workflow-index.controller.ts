import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { WorkflowIndexLoader } from './workflow-index.loader';

/**
 * Internal: what this matcher instance holds. Instances that read the same
 * config topic answer the same fingerprint; one that differs is stale.
 */
@ApiExcludeController()
@Controller('internal/workflow-index')
export class WorkflowIndexController {
  constructor(private readonly loader: WorkflowIndexLoader) {}

  @Get()
  describe(): { loaded: boolean; workflows: number; fingerprint: string } {
    return this.loader.describe();
  }
}
